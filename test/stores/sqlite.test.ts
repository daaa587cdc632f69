import { after, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeStoreContract, sampleInstallation, sampleSession } from '../../src/testing/index.ts';
import { createSqliteStore } from '../../src/stores/sqlite/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'appconnect-sqlite-'));
let counter = 0;
const freshFile = () => join(dir, `store-${counter++}`, 'app.db');

describeStoreContract('sqlite (file, two connections)', async () => createSqliteStore({ path: freshFile() }), {
  openPair: async () => {
    const file = freshFile();
    return [createSqliteStore({ path: file }), createSqliteStore({ path: file })];
  },
  requireRevocationFanout: true,
});
after(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('sqlite (:memory:)', async () => createSqliteStore({ path: ':memory:' }));

test('sqlite: WAL, migrations recorded once, reopening is idempotent, indexes exist', async () => {
  const file = freshFile();
  const first = createSqliteStore({ path: file });
  const second = createSqliteStore({ path: file });
  await first.close();
  await second.close();
  assert.ok(statSync(file).isFile());
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }]);
    const plan = db.prepare("EXPLAIN QUERY PLAN DELETE FROM sessions WHERE installation_id = 'i' AND user_id = 'u'").all() as Array<{ detail: string }>;
    assert.ok(plan.some((row) => row.detail.includes('sessions_by_user')), JSON.stringify(plan));
  } finally {
    db.close();
  }
});

test('sqlite: calls on a closed store reject with APPCONNECT_STORE_UNAVAILABLE', async () => {
  const store = createSqliteStore({ path: freshFile() });
  await store.close();
  for (const call of [() => store.ping(), () => store.sessions.get('x'), () => store.installations.list()]) {
    await assert.rejects(call(), (error: unknown) => error instanceof AppConnectError && error.code === ErrorCode.StoreUnavailable);
  }
});

test('sqlite: a file that is not a database is refused at open with APPCONNECT_STORE_UNAVAILABLE', async () => {
  assert.throws(() => createSqliteStore({ path: dir }), (error: unknown) => error instanceof AppConnectError && error.code === ErrorCode.StoreUnavailable);
});

test('sqlite: several processes on one file apply each event once and never share an outbox item', async () => {
  const file = freshFile();
  await createSqliteStore({ path: file }).close();
  const worker = fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url));
  const run = promisify(execFile);
  const outputs = await Promise.all([0, 1, 2].map(() => run(process.execPath, ['--import', 'tsx', worker, file], { timeout: 30_000 })));
  const results = outputs.map((o) => JSON.parse(o.stdout) as { applied: number; claimed: string[] });
  assert.equal(results.reduce((sum, r) => sum + r.applied, 0), 30, 'each of the 30 events applied by exactly one process');
  const claimed = results.flatMap((r) => r.claimed);
  assert.equal(new Set(claimed).size, claimed.length, 'no outbox item claimed by two processes');
  const store = createSqliteStore({ path: file });
  try {
    const all = await store.installations.listOutbox({ includeDone: true });
    assert.equal(all.length, 30);
    assert.equal((await store.installations.get('0'.repeat(32)))?.lastEventAt, 30, 'no lost update across processes');
  } finally {
    await store.close();
  }
});

test('sqlite group commit: concurrent durable writes share a transaction, yet one failing write changes nothing of its own', async () => {
  const store = createSqliteStore({ path: freshFile() });
  try {
    const now = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(32, 'a'));
    const results = await Promise.allSettled(
      ids.map((installationId, i) =>
        store.installations.applyEvent({ eventId: installationId.replace(/^a/, 'e'), installationId, type: 'app.installed', createdAt: now }, () => {
          if (i === 7) throw new Error('decide failed');
          return {
            kind: 'apply',
            installation: sampleInstallation({ installationId }),
            outbox: [{ kind: 'revoke_installation_sessions', installationId, watermark: now }],
          };
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 19);
    const failed = results[7];
    assert.ok(failed?.status === 'rejected' && (failed.reason as Error).message === 'decide failed', 'the caller’s own error comes back');
    assert.equal(await store.installations.get(ids[7]!), undefined, 'nothing written for the failed one');
    assert.equal((await store.installations.list()).length, 19);
    assert.equal((await store.installations.listOutbox()).length, 19, 'no outbox item of the failed one');
    // its event id was not recorded either: it can be applied later
    const retry = await store.installations.applyEvent({ eventId: ids[7]!.replace(/^a/, 'e'), installationId: ids[7]!, type: 'app.installed', createdAt: now }, () => ({ kind: 'apply', installation: sampleInstallation({ installationId: ids[7]! }) }));
    assert.equal(retry.outcome, 'applied');
  } finally {
    await store.close();
  }
});

test('sqlite: a logout and its Single Sign-Out commit together when the caller uses this store’s sessions, and are published', async () => {
  const store = createSqliteStore({ path: freshFile() });
  try {
    const now = Date.now();
    const installation = sampleInstallation();
    const user = 'ab'.repeat(12);
    await store.sessions.create(sampleSession({ installationId: installation.installationId, userId: user }), now - 60_000);
    const published: string[][] = [];
    const unsubscribe = await store.sessions.subscribeRevocations!(async (r) => void published.push([...r.idHashes]));
    const result = await store.installations.applyEvent(
      { eventId: 'f'.repeat(32), installationId: installation.installationId, type: 'user.logout', createdAt: now, receivedAt: now },
      () => ({ kind: 'apply', installation, outbox: [{ kind: 'revoke_user_sessions', installationId: installation.installationId, userId: user, watermark: now }] }),
      { sessions: store.sessions },
    );
    assert.deepEqual(result, { outcome: 'applied', outbox: [] }, 'nothing left for a worker');
    assert.equal((await store.installations.listOutbox({ includeDone: true })).length, 0);
    assert.equal((await store.sessions.listByUser(installation.installationId, user)).length, 0);
    assert.equal(published.length, 1, 'the revocation reached the subscribers after the commit');
    await unsubscribe();
  } finally {
    await store.close();
  }
});
