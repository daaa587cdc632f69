import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseStoreUrl, redactStoreUrl, storeUrlsFromEnv } from '../../src/stores/index.ts';
import { sampleSession } from '../../src/testing/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';
import { serviceReachable } from './service-guard.ts';

const invalidUrl = (secret?: string) => (error: unknown) =>
  error instanceof AppConnectError && error.code === ErrorCode.StoreUrlInvalid && (secret === undefined || !error.message.includes(secret));

test('store URLs parse into their kind', () => {
  assert.deepEqual(parseStoreUrl('memory:'), { kind: 'memory' });
  assert.deepEqual(parseStoreUrl('sqlite:./data/app.db'), { kind: 'sqlite', path: './data/app.db' });
  assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseStoreUrl('sqlite:///var/lib/app.db'), { kind: 'sqlite', path: '/var/lib/app.db' });
  assert.deepEqual(parseStoreUrl('postgres://u:p@db:5432/app?schema=sso'), { kind: 'postgres', connectionString: 'postgres://u:p@db:5432/app', schema: 'sso' });
  assert.equal(parseStoreUrl('postgresql://db/app').kind, 'postgres');
  assert.equal(parseStoreUrl('rediss://cache:6380').kind, 'redis');
  assert.deepEqual(parseStoreUrl('redis://cache:6379/2?prefix=app1%3A'), { kind: 'redis', url: 'redis://cache:6379/2', keyPrefix: 'app1:' });
});

test('bad or unsupported URLs give APPCONNECT_STORE_URL_INVALID without the password', async () => {
  for (const [url, secret] of [
    ['', undefined], ['sqlite:', undefined], ['mysql://root:s3cretpw@db/app', 's3cretpw'], ['postgres://user:s3cretpw@', 's3cretpw'],
    ['postgres://user:s3cretpw@db/app?schema=Bad-Name', 's3cretpw'], ['memory:extra', undefined], ['just-a-path.db', undefined], ['redis://:s3cretpw@', 's3cretpw'],
  ] as const) {
    assert.throws(() => parseStoreUrl(url), invalidUrl(secret), url);
  }
  await assert.rejects(openStore('redis://127.0.0.1:6379'), invalidUrl(), 'redis alone is refused');
  await assert.rejects(openStore({ url: 'memory:', sessionsUrl: 'postgres://db/app' }), invalidUrl());
  assert.equal(redactStoreUrl('postgres://user:pw@db/app'), 'postgres://user:***@db/app');
  assert.equal(redactStoreUrl('redis://:pw@cache'), 'redis://:***@cache');
});

test('openStore: memory and sqlite (the folder is created)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconnect-open-'));
  try {
    for (const url of ['memory:', 'sqlite::memory:', `sqlite:${join(dir, 'nested', 'deeper', 'app.db')}`]) {
      const store = await openStore(url);
      const s = sampleSession();
      assert.equal(await store.sessions.create(s, s.createdAt - 1), 'created', url);
      assert.deepEqual(await store.sessions.get(s.idHash), s);
      await store.ping();
      await store.close();
    }
    assert.ok(statSync(join(dir, 'nested', 'deeper', 'app.db')).isFile());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openStore: sqlite with Redis sessions keeps sessions in Redis', { skip: !(await serviceReachable('127.0.0.1', 6379)) && process.env.CI !== 'true' }, async () => {
  const prefix = `appconnect-test:open:${Date.now()}:`;
  const store = await openStore({ url: 'sqlite::memory:', sessionsUrl: `redis://127.0.0.1:6379?prefix=${encodeURIComponent(prefix)}` });
  try {
    const s = sampleSession();
    await store.sessions.create(s, s.createdAt - 1);
    const { createClient } = await import('redis');
    const raw = createClient({ url: 'redis://127.0.0.1:6379' });
    await raw.connect();
    assert.equal(await raw.exists(`${prefix}s:${s.idHash}`), 1);
    await store.sessions.revokeInstallation(s.installationId, Date.now());
    const keys: string[] = [];
    for await (const batch of raw.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
    if (keys.length > 0) await raw.del(keys);
    await raw.close();
  } finally {
    await store.close();
  }
});

test('the environment picks the URLs, SQLite by default', () => {
  assert.deepEqual(storeUrlsFromEnv({}), { url: 'sqlite:./data/appconnect.db' });
  assert.deepEqual(storeUrlsFromEnv({ APPCONNECT_STORE_URL: 'postgres://db/app', APPCONNECT_SESSIONS_URL: 'redis://cache' }), { url: 'postgres://db/app', sessionsUrl: 'redis://cache' });
});
