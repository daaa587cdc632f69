import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { describeStoreContract, sampleSession } from '../../src/testing/index.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { createSqliteStore } from '../../src/stores/sqlite/index.ts';
import { createRedisSessionStore, withSessionStore } from '../../src/stores/redis/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';
import { shouldSkip } from './service-guard.ts';
import { startTcpProxy } from './tcp-proxy.ts';

const HOST = '127.0.0.1';
const PORT = 6379;
const URL = `redis://${HOST}:${PORT}`;
const skip = await shouldSkip('Redis', HOST, PORT);
const run = `appconnect-test:${Date.now().toString(36)}:${randomBytes(3).toString('hex')}:`;
let counter = 0;
const freshPrefix = () => `${run}${counter++}:`;

after(async () => {
  if (skip) return;
  const client = createClient({ url: URL });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${run}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
});

const isUnavailable = (error: unknown) => error instanceof AppConnectError && error.code === ErrorCode.StoreUnavailable;

describe('redis', { skip }, () => {
  describeStoreContract('memory + redis sessions', async () => withSessionStore(createMemoryStore(), await createRedisSessionStore({ url: URL, keyPrefix: freshPrefix() })), {
    openPair: async () => {
      // two instances: their own memory store each would not share data, so share one SQLite :memory: base is
      // not possible either; the shared parts use one memory store, the sessions two Redis clients.
      const base = createMemoryStore();
      const prefix = freshPrefix();
      const a = withSessionStore(base, await createRedisSessionStore({ url: URL, keyPrefix: prefix }));
      const b = withSessionStore({ ...base, close: async () => {} }, await createRedisSessionStore({ url: URL, keyPrefix: prefix }));
      return [a, b];
    },
    requireRevocationFanout: true,
  });

  test('session keys carry a TTL at their expiry and the store keeps no plaintext session id', async () => {
    const prefix = freshPrefix();
    const store = await createRedisSessionStore({ url: URL, keyPrefix: prefix });
    const raw = createClient({ url: URL });
    await raw.connect();
    try {
      const s = sampleSession();
      await store.create(s, s.createdAt - 1);
      const expireAt = await raw.pExpireTime(`${prefix}s:${s.idHash}`);
      assert.equal(expireAt, Math.min(s.idleExpiresAt, s.absoluteExpiresAt));
      await store.touch(s.idHash, s.createdAt + 1000, s.createdAt + 1000 + 3_600_000);
      assert.equal(await raw.pExpireTime(`${prefix}s:${s.idHash}`), s.createdAt + 1000 + 3_600_000);
      assert.ok((await raw.pExpireTime(`${prefix}u:${s.installationId.length}:${s.installationId}:${s.userId}`)) >= s.absoluteExpiresAt);
    } finally {
      await raw.close();
      await store.close();
    }
  });

  test('Redis going away makes calls reject with APPCONNECT_STORE_UNAVAILABLE quickly, and the store recovers', async () => {
    const proxy = await startTcpProxy(HOST, PORT);
    const store = await createRedisSessionStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: freshPrefix(), commandTimeoutMs: 500, connectTimeoutMs: 500 });
    try {
      const s = sampleSession();
      assert.equal(await store.create(s, s.createdAt - 1), 'created');
      proxy.cut();
      await assert.rejects(store.get(s.idHash), isUnavailable);
      await assert.rejects(store.revokeUser(s.installationId, s.userId, Date.now()), isUnavailable);
      proxy.blackhole();
      const started = Date.now();
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(store.get(s.idHash), isUnavailable);
      assert.ok(Date.now() - started < 5000, 'a silent Redis never hangs a call');
      proxy.restore();
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i++) {
        recovered = await store.get(s.idHash).then((found) => found?.idHash === s.idHash, () => false);
        if (!recovered) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(recovered, 'calls succeed again once Redis is back');
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  test('an unreachable Redis fails at start with APPCONNECT_STORE_UNAVAILABLE without echoing the password', async () => {
    await assert.rejects(
      createRedisSessionStore({ url: 'redis://:hunter2-secret@127.0.0.1:1', connectTimeoutMs: 500 }),
      (error: unknown) => isUnavailable(error) && !(error as Error).message.includes('hunter2'),
    );
  });

  test('redis sessions beside SQLite: the combined store pings both and closes both', async () => {
    const sessions = await createRedisSessionStore({ url: URL, keyPrefix: freshPrefix() });
    const store = withSessionStore(createSqliteStore({ path: ':memory:' }), sessions);
    await store.ping();
    await store.close();
    await assert.rejects(sessions.ping(), isUnavailable);
  });
});
