import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createHousekeeper } from '../../src/housekeeping/housekeeper.ts';
import { createAppConnect } from '../../src/index.ts';
import { createMemoryStore, createSqliteStore } from '../../src/stores/index.ts';
import { sampleFailure, sampleInstallation, sampleSession, sampleTransaction } from '../../src/testing/index.ts';
import { silentLogger } from '../../src/telemetry/index.ts';
import { isAppConnectError } from '../../src/errors/index.ts';
import type { Store } from '../../src/stores/types.ts';

const DAY = 86_400_000;

async function seed(store: Store, now: number) {
  const inst = sampleInstallation();
  // the live one first: a store may drop expired transactions while storing a newer one
  await store.transactions.put(sampleTransaction({ installationId: inst.installationId, createdAt: now, expiresAt: now + 10 * 60_000 }), 100);
  await store.transactions.put(sampleTransaction({ installationId: inst.installationId, createdAt: now - 20 * 60_000, expiresAt: now - 10 * 60_000 }), 100);
  await store.sessions.create(sampleSession({ installationId: inst.installationId, createdAt: now - 2 * DAY, lastSeenAt: now - DAY, idleExpiresAt: now - 1, absoluteExpiresAt: now + DAY }), now - 2 * DAY - 1);
  await store.sessions.create(sampleSession({ installationId: inst.installationId, createdAt: now, lastSeenAt: now, idleExpiresAt: now + 60_000, absoluteExpiresAt: now + DAY }), now - 1);
  const apply = (eventId: string, receivedAt: number) =>
    store.installations.applyEvent({ eventId, installationId: inst.installationId, type: 'app.updated', createdAt: receivedAt, receivedAt }, () => ({ kind: 'ignore', reason: 'test' }));
  await apply('a'.repeat(32), now - 31 * DAY);
  await apply('b'.repeat(32), now - DAY);
  const old = await store.installations.enqueue({ kind: 'revoke_installation_sessions', installationId: inst.installationId, watermark: now }, now - 8 * DAY);
  await store.installations.complete(old.id);
  await store.installations.enqueue({ kind: 'revoke_installation_sessions', installationId: inst.installationId, watermark: now }, now - 8 * DAY);
  await store.failures.record(sampleFailure({ at: now - 31 * DAY }));
  await store.failures.record(sampleFailure({ at: now - DAY }));
  return { apply };
}

for (const [name, open] of [['memory', () => createMemoryStore()], ['sqlite', () => createSqliteStore({ path: ':memory:' })]] as const) {
  test(`housekeeping (${name}): expired and old rows go, live and pending ones stay, and an old event id stays de-duplicated inside the window`, async () => {
    const store = open();
    try {
      const now = Date.now();
      const { apply } = await seed(store, now);
      const keeper = createHousekeeper({ store, logger: silentLogger, clock: () => now });
      const removed = await keeper.runOnce();
      assert.deepEqual(removed, { transactions: 1, sessions: 1, events: 1, outbox: 1, failures: 1 });
      assert.equal((await store.installations.listOutbox({ includeDone: true })).length, 1, 'the pending item stays');
      assert.equal((await store.failures.list()).length, 1);
      assert.deepEqual(await apply('b'.repeat(32), now), { outcome: 'duplicate' }, 'an event inside the window is still a duplicate');
      assert.deepEqual(await keeper.runOnce(), { transactions: 0, sessions: 0, events: 0, outbox: 0, failures: 0 }, 'a second round finds nothing');
    } finally {
      await store.close();
    }
  });
}

test('createAppConnect refuses an event retention shorter than the event age window', async () => {
  await assert.rejects(
    createAppConnect({ baseUrl: 'http://localhost:3000', supportContact: 'help@example.com', store: createMemoryStore(), secretKey: randomBytes(32).toString('hex'), logger: silentLogger, retention: { eventsMs: 3_600_000 } }),
    (error: unknown) => isAppConnectError(error) && error.code === 'APPCONNECT_CONFIG_INVALID' && /retention\.eventsMs/.test(error.message),
  );
  const kit = await createAppConnect({ baseUrl: 'http://localhost:3000', supportContact: 'help@example.com', store: createMemoryStore(), secretKey: randomBytes(32).toString('hex'), logger: silentLogger });
  try {
    assert.equal(typeof kit.housekeeping.runOnce, 'function');
    assert.deepEqual(await kit.housekeeping.runOnce(), { transactions: 0, sessions: 0, events: 0, outbox: 0, failures: 0 });
  } finally {
    await kit.close();
  }
});
