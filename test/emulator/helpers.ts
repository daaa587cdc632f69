import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { privateKeyFromBase64, type KeyAlgorithm } from '../../src/protocol/index.ts';
import { EmulatorControl, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';

export interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown>;
}

/** A partner events receiver on 127.0.0.1: records every POST; `statuses` scripts the answers (then 200). */
export class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server: Server | undefined;
  url = '';

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // kept raw
        }
        this.received.push({ headers: req.headers, raw, body });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  ofType(type: string): Received[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async waitFor(predicate: (r: Received[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`receiver: timed out; got ${this.received.map((r) => r.body.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }
}

export interface World {
  emu: RunningEmulator;
  control: EmulatorControl;
  receiver: Receiver;
  appId: string;
  accountId: string;
  accountName: string;
  userIds: string[];
  redirectUri: string;
  close(): Promise<void>;
}

let accountCounter = 0;

/** Emulator + receiver + one app + one account with two users (not installed yet). */
export async function world(options: EmulatorOptions = {}): Promise<World> {
  const emu = await startEmulator({ timeScale: 600, ...options });
  const receiver = await new Receiver().start();
  const control = new EmulatorControl(emu.url);
  const redirectUri = 'http://127.0.0.1:9/callback';
  const app = await control.createApp({ name: 'Test app', events_url: receiver.url, standalone_url: 'http://127.0.0.1:9/launch', redirect_url: redirectUri });
  const account = await control.createAccount(`acct${++accountCounter}${process.pid}`);
  const u1 = await control.addUser(account.account_id, { name: 'Ada', email: 'ada@example.com' });
  const u2 = await control.addUser(account.account_id, { name: 'Bob', email: 'bob@example.com' });
  return {
    emu,
    control,
    receiver,
    appId: app.app_id,
    accountId: account.account_id,
    accountName: account.account_name,
    userIds: [u1.user_id, u2.user_id],
    redirectUri,
    close: async () => {
      await emu.close();
      await receiver.close();
    },
  };
}

export interface Creds {
  installation_id: string;
  client_id: string;
  client_secret: string;
  private_key: string;
  key_id: string;
  key_algorithm: KeyAlgorithm;
}

/** Installs and returns the credentials carried by the app.installed event the receiver got. */
export async function installApp(w: World, options: { key_algorithm?: KeyAlgorithm; users?: string[]; trial?: boolean } = {}): Promise<Creds> {
  const installed = await w.control.install({ app_id: w.appId, account_id: w.accountId, ...options });
  await w.receiver.waitFor((r) => r.some((x) => x.body.id === installed.event_id));
  const event = w.receiver.received.find((x) => x.body.id === installed.event_id)!;
  return event.body.data as unknown as Creds;
}

export async function assertion(w: World, creds: Creds, overrides: { aud?: string; exp?: number; jti?: string; key?: string; iat?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: overrides.jti ?? randomUUID() })
    .setProtectedHeader({ alg: creds.key_algorithm, kid: creds.key_id })
    .setIssuer(creds.client_id)
    .setSubject(creds.client_id)
    .setAudience(overrides.aud ?? w.emu.tokenUrl(w.accountName))
    .setIssuedAt(overrides.iat ?? now)
    .setExpirationTime(overrides.exp ?? now + 300)
    .sign(privateKeyFromBase64(overrides.key ?? creds.private_key));
}

export function basic(creds: { client_id: string; client_secret: string }): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(creds.client_id)}:${encodeURIComponent(creds.client_secret)}`).toString('base64')}`;
}

export async function tokenRequest(w: World, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(w.emu.tokenUrl(w.accountName), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Launches as the user (cookie jar of one) and follows to the authorize endpoint; returns the code. */
export async function browserLogin(w: World, creds: Creds, userId: string, params: Record<string, string> = {}): Promise<{ code: string; state: string | null; cookie: string }> {
  const launch = await fetch(w.control.launchUrl(creds.installation_id, userId), { redirect: 'manual' });
  const cookie = (launch.headers.get('set-cookie') ?? '').split(';')[0]!;
  const q = new URLSearchParams({ response_type: 'code', client_id: creds.client_id, redirect_uri: w.redirectUri, scope: 'openid', state: 'st-1', ...params });
  const res = await fetch(`${w.emu.authorizeUrl(w.accountName)}?${q}`, { redirect: 'manual', headers: { cookie } });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const location = new URL(res.headers.get('location')!);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location.search}`);
  return { code, state: location.searchParams.get('state'), cookie };
}

export async function jwtAuth(w: World, creds: Creds): Promise<Record<string, string>> {
  return {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await assertion(w, creds),
  };
}

export async function clientCredentialsToken(w: World, creds: Creds, scope?: string): Promise<string> {
  const r = await tokenRequest(w, { grant_type: 'client_credentials', ...(scope ? { scope } : {}), ...(await jwtAuth(w, creds)) });
  if (r.status !== 200) throw new Error(`client_credentials failed: ${JSON.stringify(r.body)}`);
  return r.body.access_token as string;
}
