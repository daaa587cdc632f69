import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '../../src/stores/index.ts';
import type { Store } from '../../src/stores/types.ts';
import { createEventsHandler, createOutboxWorker, type EventsDeps, type OutboxWorker } from '../../src/events/index.ts';
import { createTalkdeskClient } from '../../src/talkdesk/index.ts';
import { startEmulator, EmulatorControl, type RunningEmulator } from '../../src/emulator/index.ts';
import { createCapturingLogger } from '../../src/telemetry/index.ts';
import type { AppRequest, AppResponse } from '../../src/http/types.ts';
import { testSealer } from './event-builders.ts';

const MAX_READ = 1024 * 1024;

/** A minimal node:http front for the framework-free events handler (reads the raw body, capped). */
export async function serveHandler(handler: (req: AppRequest) => Promise<AppResponse>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_READ) chunks.push(c);
    });
    req.on('end', async () => {
      const out = await handler({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
        ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
      });
      for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
      res.statusCode = out.status;
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/appconnect/events`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface Kit {
  emu: RunningEmulator;
  control: EmulatorControl;
  store: Store;
  worker: OutboxWorker;
  logText(): string;
  eventsUrl: string;
  appId: string;
  accountId: string;
  users: string[];
  close(): Promise<void>;
}

/** Emulator + events handler + outbox worker over real HTTP, with a memory store. */
export async function startKit(options: { store?: (base: Store) => Store; deps?: Partial<EventsDeps> } = {}): Promise<Kit> {
  const emu = await startEmulator({ port: 0, timeScale: 6000 });
  const control = new EmulatorControl(emu.url);
  const base = createMemoryStore();
  const store = options.store ? options.store(base) : base;
  const sealer = testSealer();
  const hostPolicy = { extraOrigins: [emu.url] };
  const talkdesk = createTalkdeskClient({ hostPolicy, timeoutMs: 3000 });
  const { logger, text } = createCapturingLogger();
  const worker = createOutboxWorker({ store, sealer, talkdesk, logger, intervalMs: 50, baseDelayMs: 20, maxDelayMs: 200 });
  let appIdRef = '';
  const handler = createEventsHandler({ store, sealer, talkdesk, hostPolicy, logger, worker, ...options.deps, ...(options.deps?.appId === undefined ? {} : {}) });
  const front = await serveHandler((req) => handler(req));
  const app = await control.createApp({ name: 'Kit test', events_url: front.url, standalone_url: 'http://127.0.0.1:1/launch', redirect_url: 'http://127.0.0.1:1/callback' });
  appIdRef = app.app_id;
  const account = await control.createAccount(`acme${Math.floor(Math.random() * 1e6)}`);
  const users: string[] = [];
  for (const name of ['ann', 'bob']) users.push((await control.addUser(account.account_id, { name, email: `${name}@example.com` })).user_id);
  worker.start();
  return {
    emu, control, store, worker, logText: text, eventsUrl: front.url, appId: appIdRef, accountId: account.account_id, users,
    async close() {
      await worker.stop();
      await front.close();
      await emu.close();
      await base.close();
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
