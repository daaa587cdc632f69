import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboxPayload } from '../../stores/types.ts';
import { hex, sampleInstallation, sampleSession } from '../fixtures.ts';
import { type ContractContext, receipt, upsert, ackPayload, sortedIds, HOUR } from './context.ts';

export function describeOutboxCases(ctx: ContractContext): void {
  const { withStore, withPair } = ctx;
  describe('outbox', () => {
    it('items queued by applyEvent are due at once, with their payload', () => withStore(async (store) => {
      const record = sampleInstallation();
      const payloads: OutboxPayload[] = [
        ackPayload(record.installationId),
        { kind: 'revoke_user_sessions', installationId: record.installationId, userId: hex(12), watermark: 1234 },
      ];
      const now = Date.now();
      const result = await store.installations.applyEvent(receipt(record.installationId, { receivedAt: now }), upsert(record, payloads));
      assert.equal(result.outcome, 'applied');
      const queued = result.outcome === 'applied' ? result.outbox : [];
      assert.deepEqual(queued.map((item) => item.payload), payloads, 'applyEvent returns the queued items in order');
      const claimed = await store.installations.claimDue(now, 10, 30_000);
      assert.deepEqual(new Set(claimed.map((c) => c.id)), new Set(queued.map((q) => q.id)), 'with the ids the outbox knows');
      assert.deepEqual(claimed.map((c) => c.payload).sort((x, y) => x.kind.localeCompare(y.kind)), [...payloads].sort((x, y) => x.kind.localeCompare(y.kind)));
      assert.ok(claimed.every((c) => c.attempts === 0));
    }));

    it('revocations of a decision end the sessions, in the same step or through the returned items', () => withStore(async (store) => {
      const record = sampleInstallation();
      const user = hex(12);
      const other = hex(12);
      const now = Date.now();
      for (const userId of [user, other]) {
        assert.equal(await store.sessions.create(sampleSession({ installationId: record.installationId, userId }), now - 60_000), 'created');
      }
      const revoke: OutboxPayload = { kind: 'revoke_user_sessions', installationId: record.installationId, userId: user, watermark: now };
      const result = await store.installations.applyEvent(receipt(record.installationId, { type: 'user.logout', receivedAt: now }), upsert(record, [revoke]), { sessions: store.sessions });
      assert.equal(result.outcome, 'applied');
      // A store may end them in the same step (then it returns no such item); otherwise the caller runs them.
      for (const item of result.outcome === 'applied' ? result.outbox : []) {
        if (item.payload.kind === 'revoke_user_sessions') await store.sessions.revokeUser(item.payload.installationId, item.payload.userId, item.payload.watermark);
      }
      assert.equal((await store.sessions.listByUser(record.installationId, user)).length, 0, 'the user is signed out');
      assert.equal((await store.sessions.listByUser(record.installationId, other)).length, 1, 'other users are not');
      assert.equal(await store.sessions.create(sampleSession({ installationId: record.installationId, userId: user }), now - 1), 'logged_out', 'watermark raised');

      // Sessions kept elsewhere (another session store): the revocation is queued and returned, never run here.
      const elsewhere = { ...store.sessions };
      const second = sampleInstallation();
      await store.sessions.create(sampleSession({ installationId: second.installationId, userId: user }), now - 60_000);
      const queued = await store.installations.applyEvent(
        receipt(second.installationId, { type: 'user.logout', receivedAt: now }),
        upsert(second, [{ ...revoke, installationId: second.installationId }]),
        { sessions: elsewhere },
      );
      assert.deepEqual(queued.outcome === 'applied' ? queued.outbox.map((i) => i.payload.kind) : [], ['revoke_user_sessions']);
      assert.equal((await store.sessions.listByUser(second.installationId, user)).length, 1, 'not run by the store');
    }));

    it('claim, lease, retryLater, deadLetter and complete', () => withStore(async (store) => {
      const now = Date.now();
      const ob = store.installations;
      const first = await ob.enqueue(ackPayload(hex(16)), now);
      const second = await ob.enqueue({ kind: 'ack_credentials', installationId: hex(16), appId: hex(16), clientId: hex(16) }, now + 1);
      const later = await ob.enqueue(ackPayload(hex(16)), now + 60_000);
      assert.equal(first.attempts, 0);
      assert.equal(first.nextAttemptAt, now);
      assert.deepEqual((await ob.listOutbox()).map((i) => i.status), ['pending', 'pending', 'pending']);

      assert.deepEqual((await ob.claimDue(now, 1, 10_000)).map((i) => i.id), [first.id], 'oldest due first, limit respected');
      assert.deepEqual(sortedIds(await ob.claimDue(now + 5, 10, 10_000)), [second.id], 'a leased item is hidden, a future one is not due');
      assert.deepEqual(await ob.claimDue(now + 5, 10, 10_000), []);
      assert.deepEqual(sortedIds(await ob.claimDue(now + 10_005, 10, 10_000)), [first.id, second.id].sort(), 'expired leases come back');

      await ob.retryLater(first.id, now + 120_000, 'HTTP 503 from the Apps API');
      await ob.deadLetter(second.id, 'HTTP 400 from the Apps API');
      const claimedAtMinute = await ob.claimDue(now + 60_000, 10, 10_000);
      assert.deepEqual(sortedIds(claimedAtMinute), [later.id], 'retried item waits for its next attempt; dead items never come back');
      await ob.complete(later.id);
      const retried = await ob.claimDue(now + 120_000, 10, 10_000);
      assert.deepEqual(sortedIds(retried), [first.id]);
      assert.equal(retried[0]?.attempts, 1);
      assert.equal(retried[0]?.lastError, 'HTTP 503 from the Apps API');

      const visible = await ob.listOutbox();
      assert.deepEqual(visible.map((i) => [i.id, i.status]).sort(), [[first.id, 'pending'], [second.id, 'dead']].sort());
      assert.equal(visible.find((i) => i.id === second.id)?.lastError, 'HTTP 400 from the Apps API');
      const all = await ob.listOutbox({ includeDone: true });
      assert.equal(all.find((i) => i.id === later.id)?.status, 'done');
      assert.equal(all.length, 3);
      assert.equal((await ob.listOutbox({ includeDone: true, limit: 2 })).length, 2);
      await ob.complete(first.id);
      assert.deepEqual(await ob.claimDue(now + 10 * HOUR, 10, 10_000), []);
      if (ob.purgeOutboxBefore !== undefined) {
        assert.equal(await ob.purgeOutboxBefore(now + 30_000), 2, 'done/dead items created before are purged');
        assert.deepEqual(sortedIds(await ob.listOutbox({ includeDone: true })), [later.id]);
      }
    }));

    it('two concurrent claimers (two instances) never get the same item', () => withPair(async (a, b) => {
      const now = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await a.installations.enqueue(ackPayload(hex(16)), now)).id);
      const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).installations.claimDue(now, 3, 60_000)));
      const claimed = batches.flat().map((i) => i.id);
      assert.equal(new Set(claimed).size, claimed.length, 'no item claimed twice');
      assert.deepEqual([...claimed].sort(), [...ids].sort(), 'every due item claimed once');
    }));
  });
}
