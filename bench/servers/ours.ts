import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { createAppConnect, createMemoryStore, createSqliteStore, type Store } from '../../src/index.ts';
import { createPostgresStore } from '../../src/stores/postgres/index.ts';
import { createLogger } from '../../src/telemetry/index.ts';
import { serveChild } from './ipc.ts';

/** Our kit on bare node:http: the three AppConnect URLs, and `/page` that only checks the session. */
export interface OursConfig {
  port: number;
  /** Public origin (default http://127.0.0.1:port); two instances share one. */
  baseUrl?: string;
  store: { kind: 'sqlite'; path: string; synchronous?: 'FULL' | 'NORMAL' } | { kind: 'memory' } | { kind: 'postgres'; url: string; schema: string };
  dataDir: string;
  secretKey: string;
  extraOrigins: string[];
  tokenEndpointAuth?: 'client_secret_basic' | 'private_key_jwt';
  scopes?: string;
  /** false: the second instance leaves acknowledgements to the first. */
  outboxWorker?: boolean;
}

export interface SeedRequest {
  count: number;
  installationId: string;
  accountId: string;
}

serveChild<OursConfig>(async (config) => {
  let store: Store;
  if (config.store.kind === 'sqlite') store = createSqliteStore({ path: config.store.path, ...(config.store.synchronous ? { synchronous: config.store.synchronous } : {}) });
  else if (config.store.kind === 'memory') store = createMemoryStore();
  else store = await createPostgresStore({ connectionString: config.store.url, schema: config.store.schema, maxConnections: 8 });

  const baseUrl = config.baseUrl ?? `http://127.0.0.1:${config.port}`;
  const kit = await createAppConnect({
    baseUrl,
    supportContact: 'support@bench.example',
    store,
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    hostPolicy: { extraOrigins: config.extraOrigins },
    ...(config.tokenEndpointAuth ? { tokenEndpointAuth: config.tokenEndpointAuth } : {}),
    ...(config.scopes ? { scopes: config.scopes } : {}),
    startOutboxWorker: config.outboxWorker ?? true,
    logger: createLogger({ level: 'warn' }),
  });
  const routes = kit.node();
  const server = createServer((req, res) => {
    routes(req, res, () => {
      kit.getSession(req, res).then(
        (user) => {
          if (!user) {
            res.writeHead(401, { 'content-type': 'text/plain' });
            res.end('signed out');
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
          res.end(`hello ${user.userId}`);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));

  /** Bulk-inserts live sessions of distinct users straight into the store (bounded: one transaction). */
  async function seed(request: SeedRequest): Promise<number> {
    const now = Date.now();
    const record = (i: number) => ({
      idHash: randomBytes(32).toString('base64url'),
      installationId: request.installationId,
      accountId: request.accountId,
      userId: (i + 1).toString(16).padStart(24, 'a'),
      appUserId: `seed-${i}`,
      name: 'Seeded user',
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: now + 11 * 3_600_000,
      absoluteExpiresAt: now + 11 * 3_600_000,
    });
    if (config.store.kind === 'sqlite') {
      const db = new Database(config.store.path);
      db.pragma('busy_timeout = 60000');
      db.pragma('synchronous = OFF');
      const insert = db.prepare('INSERT INTO sessions (id_hash, installation_id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const batch = db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const s = record(i);
          insert.run(s.idHash, s.installationId, s.userId, s.createdAt, s.lastSeenAt, s.idleExpiresAt, s.absoluteExpiresAt, JSON.stringify(s));
        }
      });
      for (let i = 0; i < request.count; i += 50_000) {
        batch(i, Math.min(request.count, i + 50_000));
        await new Promise((r) => setImmediate(r));
      }
      db.close();
      return request.count;
    }
    for (let i = 0; i < request.count; i++) {
      await store.sessions.create(record(i), now);
      if (i % 50_000 === 0) await new Promise((r) => setImmediate(r));
    }
    return request.count;
  }

  return {
    port: (server.address() as AddressInfo).port,
    handlers: {
      installationState: async (id) => (await store.installations.get(String(id)))?.state ?? 'missing',
      seed: (payload) => seed(payload as SeedRequest),
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await kit.close();
      await store.close();
    },
  };
});
