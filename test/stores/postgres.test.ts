import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeStoreContract } from '../../src/testing/index.ts';
import { createPostgresStore, type PostgresStoreOptions } from '../../src/stores/postgres/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';
import { sampleSession } from '../../src/testing/index.ts';
import { shouldSkip } from './service-guard.ts';
import { startTcpProxy } from './tcp-proxy.ts';

const HOST = '127.0.0.1';
const PORT = 5432;
const URL = `postgres://postgres@${HOST}:${PORT}/test`;
const skip = await shouldSkip('PostgreSQL', HOST, PORT);
const run = `t${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const schemas: string[] = [];
let counter = 0;
function freshSchema(): string {
  const schema = `appconnect_${run}_${counter++}`;
  schemas.push(schema);
  return schema;
}
const options = (schema: string, extra: Partial<PostgresStoreOptions> = {}): PostgresStoreOptions => ({ connectionString: URL, schema, maxConnections: 4, ...extra });

async function dropSchemas(): Promise<void> {
  if (skip || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
after(dropSchemas);

const isUnavailable = (error: unknown) => error instanceof AppConnectError && error.code === ErrorCode.StoreUnavailable;

describe('postgres', { skip }, () => {
  describeStoreContract('postgres', async () => createPostgresStore(options(freshSchema())), {
    openPair: async () => {
      const schema = freshSchema();
      const a = await createPostgresStore(options(schema));
      return [a, await createPostgresStore(options(schema))];
    },
    requireRevocationFanout: true,
  });

  test('concurrent starts on a fresh schema apply each migration once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore(options(schema, { maxConnections: 2 }))));
    try {
      const client = new pg.Client({ connectionString: URL });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations`);
      await client.end();
      assert.deepEqual(rows, [{ version: 1 }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('revoking a user\'s sessions uses the (installation, user) index on a large table', async () => {
    const schema = freshSchema();
    const store = await createPostgresStore(options(schema));
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      await client.query(`INSERT INTO ${schema}.sessions (id_hash, installation_id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, record)
        SELECT 'h' || g, 'inst' || (g % 100), 'user' || g, 0, 0, 1, 1, '{}'::jsonb FROM generate_series(1, 50000) g`);
      await client.query(`ANALYZE ${schema}.sessions`);
      const { rows } = await client.query(`EXPLAIN DELETE FROM ${schema}.sessions WHERE installation_id = 'inst7' AND user_id = 'user7'`);
      const plan = rows.map((r: Record<string, string>) => Object.values(r)[0]).join('\n');
      assert.match(plan, /Index Scan using sessions_by_user|Bitmap Index Scan on sessions_by_user/, plan);
      assert.equal(await store.sessions.revokeUser('inst7', 'user7', Date.now()), 1);
    } finally {
      await client.end();
      await store.close();
    }
  });

  test('the database going away makes calls reject with APPCONNECT_STORE_UNAVAILABLE, and the store recovers', async () => {
    const proxy = await startTcpProxy(HOST, PORT);
    const store = await createPostgresStore({
      connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`, schema: freshSchema(), statementTimeoutMs: 800, connectionTimeoutMs: 800, maxConnections: 2,
    });
    try {
      const s = sampleSession();
      assert.equal(await store.sessions.create(s, s.createdAt - 1), 'created');
      proxy.cut();
      await assert.rejects(store.sessions.get(s.idHash), isUnavailable);
      await assert.rejects(store.installations.applyEvent({ eventId: 'e', installationId: 'i', type: 't', createdAt: 1 }, () => ({ kind: 'apply' })), isUnavailable);
      proxy.blackhole();
      const started = Date.now();
      await assert.rejects(store.ping(), isUnavailable);
      assert.ok(Date.now() - started < 10_000, 'a silent database never hangs a call');
      proxy.restore();
      let recovered = false;
      for (let i = 0; i < 20 && !recovered; i++) {
        recovered = await store.sessions.get(s.idHash).then((found) => found?.idHash === s.idHash, () => false);
        if (!recovered) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(recovered, 'calls succeed again once the database is back');
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  test('a wrong host fails at start with APPCONNECT_STORE_UNAVAILABLE without echoing the password', async () => {
    await assert.rejects(
      createPostgresStore({ connectionString: 'postgres://postgres:hunter2-secret@127.0.0.1:1/test', schema: freshSchema(), connectionTimeoutMs: 500 }),
      (error: unknown) => isUnavailable(error) && !(error as Error).message.includes('hunter2'),
    );
  });
});
