import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../examples/demo/app.ts';
import { EmulatorControl } from '../../src/emulator/index.ts';
import type { ClientMetadata } from 'oidc-provider';
import { startChild, type ServerChild, type StartOptions } from './child.ts';
import { installationJwk, installedEvent, newInstallation, newSigner, postEvent, sign, type EventSigner, type FakeInstallation } from './talkdesk.ts';
import type { OursConfig } from '../servers/ours.ts';

/** The fixed user oidc-provider signs in (24 hex, like a Talkdesk user id). */
export const FIXED_USER = 'b0b0b0b0b0b0b0b0b0b0b0b0';

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `appconnect-bench-${label}-`));
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type Peer = 'ours' | 'eoc' | 'lean';

/** oidc-provider with the RPs that share it; our kit takes a signed app.installed whose links point there. */
export interface OidcWorld {
  authz: ServerChild;
  issuer: string;
  signer: EventSigner;
  installation: FakeInstallation;
  ours?: ServerChild;
  /** A second instance of our kit on the same SQLite file. */
  oursTwin?: ServerChild;
  eoc?: ServerChild;
  lean?: ServerChild;
  oursDb?: string;
  eventsUrl: string;
  launchUrl: string;
  /** Posts the installation to a kit instance and waits until it is active. */
  install(kit: ServerChild): Promise<void>;
  /** Another kit instance of its own (own store and origin) on this authorization server, installed. */
  startKit(store: OursConfig['store']): Promise<ServerChild>;
  stop(): Promise<void>;
}

export interface OidcWorldOptions {
  peers: Peer[];
  oursStore?: OursConfig['store'];
  twin?: boolean;
  /** Directory for --cpu-prof profiles of the named relying parties. */
  profile?: Partial<Record<Peer, string>>;
}

/** Stops the children in reverse start order and removes the world's folder. */
async function stopAll(started: ServerChild[], dir: string): Promise<void> {
  for (const child of started.reverse()) await child.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

function flagsFor(profileDir: string | undefined): StartOptions {
  return profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {};
}

export async function startOidcWorld(options: OidcWorldOptions): Promise<OidcWorld> {
  const dir = tempDir('oidc');
  const [asPort, oursPort, twinPort, eocPort, leanPort] = (await Promise.all([1, 2, 3, 4, 5].map(() => freePort('127.0.0.1')))) as [number, number, number, number, number];
  const issuer = `http://127.0.0.1:${asPort}`;
  const ours = `http://127.0.0.1:${oursPort}`;
  const eoc = `http://127.0.0.1:${eocPort}`;
  const lean = `http://127.0.0.1:${leanPort}`;
  const installation = newInstallation();
  const signer = newSigner();
  const clients: ClientMetadata[] = [
    {
      client_id: installation.clientId,
      client_secret: installation.clientSecret,
      redirect_uris: [`${ours}/appconnect/callback`],
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
      // Talkdesk's way (required of listed apps); the kit uses it for logins and Apps API calls alike.
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [await installationJwk(installation)] },
    },
    {
      client_id: 'eoc',
      client_secret: 'eoc-secret-0123456789abcdef0123456789abcdef',
      redirect_uris: [`${eoc}/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      backchannel_logout_uri: `${eoc}/backchannel-logout`,
      backchannel_logout_session_required: false,
    },
    {
      client_id: 'lean',
      client_secret: 'lean-secret-0123456789abcdef0123456789abcdef',
      redirect_uris: [`${lean}/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
  const started: ServerChild[] = [];
  const world: Partial<OidcWorld> = {};
  try {
    const authz = await startChild('authz', { port: asPort, userId: FIXED_USER, clients, signingKey: { id: signer.keyId, publicKey: signer.publicKey } });
    started.push(authz);
    const store = options.oursStore ?? { kind: 'sqlite' as const, path: join(dir, 'ours.db') };
    const secretKey = randomBytes(32).toString('base64url');
    const oursConfig = (port: number, outboxWorker: boolean): OursConfig => ({
      port,
      baseUrl: ours,
      store,
      dataDir: dir,
      secretKey,
      extraOrigins: [issuer],
      scopes: 'openid profile email',
      outboxWorker,
    });
    const eventsUrl = `${ours}/appconnect/events`;
    const install = async (kit: ServerChild) => {
      const reply = await postEvent(`${kit.url}/appconnect/events`, sign(signer, installedEvent(installation, issuer)));
      if (reply.status >= 300) throw new Error(`app.installed answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      await waitUntil('the installation to become active', async () => (await kit.call<string>('installationState', installation.installationId)) === 'active');
    };
    if (options.peers.includes('ours')) {
      world.ours = await startChild('ours', oursConfig(oursPort, true), flagsFor(options.profile?.ours));
      started.push(world.ours);
      await install(world.ours);
      if (options.twin) {
        world.oursTwin = await startChild('ours', oursConfig(twinPort, false));
        started.push(world.oursTwin);
      }
      if (store.kind === 'sqlite') world.oursDb = store.path;
    }
    if (options.peers.includes('eoc')) {
      world.eoc = await startChild('eoc', { port: eocPort, issuer, userinfoUrl: `${issuer}/me`, clientId: 'eoc', clientSecret: clients[1]!.client_secret }, flagsFor(options.profile?.eoc));
      started.push(world.eoc);
    }
    if (options.peers.includes('lean')) {
      world.lean = await startChild('lean', { port: leanPort, issuer, clientId: 'lean', clientSecret: clients[2]!.client_secret }, flagsFor(options.profile?.lean));
      started.push(world.lean);
    }
    const startKit = async (kitStore: OursConfig['store']) => {
      const port = await freePort('127.0.0.1');
      const kit = await startChild('ours', { ...oursConfig(port, true), baseUrl: `http://127.0.0.1:${port}`, store: kitStore });
      started.push(kit);
      await install(kit);
      return kit;
    };
    return {
      ...world,
      authz,
      startKit,
      issuer,
      signer,
      installation,
      eventsUrl,
      launchUrl: `${ours}/appconnect/launch?talkdesk_installation_id=${installation.installationId}&talkdesk_user_id=${FIXED_USER}`,
      install,
      stop: () => stopAll(started, dir),
    };
  } catch (error) {
    await stopAll(started, dir);
    throw error;
  }
}

/** The emulator and our kit on SQLite, installed with `users` licensed users. */
export interface EmulatorWorld {
  emulator: ServerChild;
  ours: ServerChild;
  control: EmulatorControl;
  installationId: string;
  userIds: string[];
  stop(): Promise<void>;
}

export async function startEmulatorWorld(users: number, profileDir?: string): Promise<EmulatorWorld> {
  const dir = tempDir('emu');
  const started: ServerChild[] = [];
  try {
    const emulator = await startChild('emulator', { dataDir: join(dir, 'emulator') });
    started.push(emulator);
    const emulatorUrl = String(emulator.info.url);
    const control = new EmulatorControl(emulatorUrl);
    const oursPort = await freePort('127.0.0.1');
    const app = `http://127.0.0.1:${oursPort}`;
    const created = await control.createApp({
      name: 'bench',
      events_url: `${app}/appconnect/events`,
      standalone_url: `${app}/appconnect/launch`,
      redirect_url: `${app}/appconnect/callback`,
    });
    const ours = await startChild(
      'ours',
      { port: oursPort, store: { kind: 'sqlite', path: join(dir, 'ours.db') }, dataDir: dir, secretKey: randomBytes(32).toString('base64url'), extraOrigins: [emulatorUrl] } satisfies OursConfig,
      flagsFor(profileDir),
    );
    started.push(ours);
    const account = await control.createAccount('benchaccount');
    const userIds: string[] = [];
    for (let i = 0; i < users; i++) userIds.push((await control.addUser(account.account_id, { name: `User ${i}`, email: `u${i}@bench.example` })).user_id);
    const installed = await control.install({ app_id: created.app_id, account_id: account.account_id, users: userIds });
    await waitUntil('the emulator installation to complete', async () => (await control.getInstallation(installed.installation_id)).state === 'completed');
    await waitUntil('the kit installation to become active', async () => (await ours.call<string>('installationState', installed.installation_id)) === 'active');
    return {
      emulator,
      ours,
      control,
      installationId: installed.installation_id,
      userIds,
      stop: () => stopAll(started, dir),
    };
  } catch (error) {
    await stopAll(started, dir);
    throw error;
  }
}
