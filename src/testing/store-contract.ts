import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventDecision, EventReceipt, InstallationRecord, OutboxPayload, SessionRevocation, Store } from '../stores/types.ts';
import { hex, sampleFailure, sampleInstallation, sampleSession, sampleTransaction } from './fixtures.ts';

export interface StoreContractOptions {
  /**
   * Opens two stores sharing the same fresh data, as two app instances would (two connections, two
   * processes' worth of clients). Used for the cross-instance cases; without it they run on one store.
   */
  openPair?: () => Promise<[Store, Store]>;
  /** Fails the suite when the store has no `subscribeRevocations` (set it for stores that promise fan-out). */
  requireRevocationFanout?: boolean;
  /** Called once after every case ran (drop schemas, delete keys, remove files). */
  cleanup?: () => Promise<void>;
  /** How long to wait for a revocation to be delivered (default 2000 ms). */
  fanoutTimeoutMs?: number;
}

const HOUR = 3_600_000;

function receipt(installationId: string, overrides: Partial<EventReceipt> = {}): EventReceipt {
  return { eventId: hex(16), installationId, type: 'app.installed', createdAt: Date.now(), ...overrides };
}

const upsert = (installation: InstallationRecord, outbox: OutboxPayload[] = []): ((c: InstallationRecord | undefined) => EventDecision) => () => ({ kind: 'apply', installation, outbox });

function ackPayload(installationId: string): OutboxPayload {
  return { kind: 'ack_installation', installationId, appId: hex(16), state: 'approve' };
}

function sortedIds(items: ReadonlyArray<{ id: string }>): string[] {
  return items.map((i) => i.id).sort();
}

/**
 * Registers the Store contract battery (node:test `describe`/`it`). `open` must return a store with
 * no data in it; it is called once per case and the store is closed after the case.
 *
 * ```ts
 * import { describeStoreContract } from 'appconnect-sso/testing';
 * describeStoreContract('my store', async () => createMyStore(await freshDatabase()));
 * ```
 */
export function describeStoreContract(name: string, open: () => Promise<Store>, options: StoreContractOptions = {}): void {
  async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }
  async function withPair(fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
    if (options.openPair === undefined) return withStore((store) => fn(store, store));
    const [a, b] = await options.openPair();
    try {
      await fn(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  }

  describe(`Store contract: ${name}`, () => {
    if (options.cleanup !== undefined) after(options.cleanup);

    it('ping answers on an open store', () => withStore(async (store) => {
      await store.ping();
    }));

    describe('installations and events', () => {
      it('applyEvent upserts the decided installation and passes the current one to decide', () => withStore(async (store) => {
        const record = sampleInstallation();
        const seen: Array<InstallationRecord | undefined> = [];
        const first = await store.installations.applyEvent(receipt(record.installationId), (current) => {
          seen.push(current);
          return { kind: 'apply', installation: record };
        });
        assert.deepEqual(first, { outcome: 'applied', outbox: [] });
        assert.equal(seen[0], undefined);
        assert.deepEqual(await store.installations.get(record.installationId), record);

        const updated = { ...record, accountName: 'Acme Renamed', trial: { state: 'active' as const, expiresAt: Date.now() + HOUR }, updatedAt: record.updatedAt + 1 };
        delete updated.privateKey;
        await store.installations.applyEvent(receipt(record.installationId, { type: 'app.updated' }), (current) => {
          seen.push(current);
          return { kind: 'apply', installation: updated };
        });
        assert.deepEqual(seen[1], record);
        const stored = await store.installations.get(record.installationId);
        assert.deepEqual(stored, updated);
        assert.equal(stored?.privateKey, undefined, 'a removed field (crypto-shred) stays removed');
        assert.equal(await store.installations.get(hex(16)), undefined);
      }));

      it('an apply decision without an installation leaves it as it is', () => withStore(async (store) => {
        const id = hex(16);
        assert.equal((await store.installations.applyEvent(receipt(id), () => ({ kind: 'apply' }))).outcome, 'applied');
        assert.equal(await store.installations.get(id), undefined);
      }));

      it('list returns the installations, bounded by limit', () => withStore(async (store) => {
        const records = [sampleInstallation({ createdAt: 1000 }), sampleInstallation({ createdAt: 2000 }), sampleInstallation({ createdAt: 3000 })];
        for (const r of records) await store.installations.applyEvent(receipt(r.installationId), upsert(r));
        const all = await store.installations.list();
        assert.deepEqual(all.map((r) => r.installationId).sort(), records.map((r) => r.installationId).sort());
        assert.equal((await store.installations.list({ limit: 2 })).length, 2);
      }));

      it('a duplicate event id is not applied again and decide is not called', () => withStore(async (store) => {
        const record = sampleInstallation();
        const r = receipt(record.installationId);
        await store.installations.applyEvent(r, upsert(record, [ackPayload(record.installationId)]));
        let called = false;
        const again = await store.installations.applyEvent(r, () => {
          called = true;
          return { kind: 'apply', installation: { ...record, accountName: 'Changed' } };
        });
        assert.deepEqual(again, { outcome: 'duplicate' });
        assert.equal(called, false);
        assert.equal((await store.installations.get(record.installationId))?.accountName, 'Acme');
        assert.equal((await store.installations.listOutbox()).length, 1);
      }));

      it('20 concurrent deliveries of one event (two instances) apply exactly once', () => withPair(async (a, b) => {
        const record = sampleInstallation();
        const r = receipt(record.installationId);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).installations.applyEvent(r, upsert(record, [ackPayload(record.installationId)]))),
        );
        assert.equal(results.filter((x) => x.outcome === 'applied').length, 1);
        assert.equal(results.filter((x) => x.outcome === 'duplicate').length, 19);
        assert.equal((await a.installations.listOutbox()).length, 1, 'exactly one outbox item queued');
      }));

      it('concurrent events of one installation are serialised (no lost update), also for a new installation', () => withPair(async (a, b) => {
        const base = sampleInstallation({ lastEventAt: 0 });
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).installations.applyEvent(receipt(base.installationId), (current) => ({
            kind: 'apply',
            installation: { ...(current ?? base), lastEventAt: (current?.lastEventAt ?? 0) + 1 },
          }))),
        );
        assert.ok(results.every((x) => x.outcome === 'applied'));
        assert.equal((await b.installations.get(base.installationId))?.lastEventAt, 12);
      }));

      it('an ignore decision records the event (a redelivery is a duplicate) and writes nothing', () => withStore(async (store) => {
        const record = sampleInstallation();
        await store.installations.applyEvent(receipt(record.installationId), upsert(record));
        const old = receipt(record.installationId, { type: 'app.uninstalled' });
        const ignored = await store.installations.applyEvent(old, () => ({ kind: 'ignore', reason: 'older than the current state' }));
        assert.deepEqual(ignored, { outcome: 'ignored', reason: 'older than the current state' });
        assert.deepEqual(await store.installations.applyEvent(old, upsert({ ...record, state: 'uninstalled' })), { outcome: 'duplicate' });
        assert.equal((await store.installations.get(record.installationId))?.state, 'active');
        assert.equal((await store.installations.listOutbox()).length, 0);
      }));

      it('when decide throws nothing is written and the event can be applied later', () => withStore(async (store) => {
        const record = sampleInstallation();
        const r = receipt(record.installationId);
        await assert.rejects(store.installations.applyEvent(r, () => {
          throw new Error('boom');
        }));
        assert.equal(await store.installations.get(record.installationId), undefined);
        assert.deepEqual(await store.installations.applyEvent(r, upsert(record)), { outcome: 'applied', outbox: [] });
      }));

      it('licences follow `at` order: a late older change never overrides a newer one', () => withStore(async (store) => {
        const id = hex(16);
        const other = hex(16);
        const [u1, u2, u3] = [hex(12), hex(12), hex(12)];
        const lic = (adding: string[], removing: string[], at: number) => () => ({ kind: 'apply' as const, licences: { adding, removing, at } });
        await store.installations.applyEvent(receipt(id), lic([u1, u2], [], 2000));
        assert.equal(await store.installations.isLicensed(id, u1), true);
        assert.deepEqual(await store.installations.listLicensedUsers(id), [u1, u2].sort());
        await store.installations.applyEvent(receipt(id), lic([], [u1], 1000)); // late, older removal
        assert.equal(await store.installations.isLicensed(id, u1), true, 'an older removal does not remove a newer addition');
        await store.installations.applyEvent(receipt(id), lic([], [u1], 3000));
        assert.equal(await store.installations.isLicensed(id, u1), false);
        await store.installations.applyEvent(receipt(id), lic([u1], [], 2500)); // late, older addition
        assert.equal(await store.installations.isLicensed(id, u1), false, 'an older addition does not undo a newer removal');
        await store.installations.applyEvent(receipt(id), lic([], [u3], 5000)); // removal before any addition
        await store.installations.applyEvent(receipt(id), lic([u3], [], 4000));
        assert.equal(await store.installations.isLicensed(id, u3), false);
        assert.deepEqual(await store.installations.listLicensedUsers(id), [u2]);
        assert.equal(await store.installations.isLicensed(other, u2), false, 'licences are per installation');
        assert.deepEqual(await store.installations.listLicensedUsers(other), []);
      }));

      it('purgeEventsBefore forgets old event ids only', () => withStore(async (store) => {
        const id = hex(16);
        const now = Date.now();
        const oldReceipt = receipt(id, { receivedAt: now - 40 * 24 * HOUR });
        const newReceipt = receipt(id, { receivedAt: now });
        await store.installations.applyEvent(oldReceipt, () => ({ kind: 'apply' }));
        await store.installations.applyEvent(newReceipt, () => ({ kind: 'apply' }));
        assert.equal(await store.installations.purgeEventsBefore(now - 30 * 24 * HOUR), 1);
        assert.equal((await store.installations.applyEvent(oldReceipt, () => ({ kind: 'apply' }))).outcome, 'applied');
        assert.equal((await store.installations.applyEvent(newReceipt, () => ({ kind: 'apply' }))).outcome, 'duplicate');
      }));
    });

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

    describe('login transactions', () => {
      it('put then consume once; expired ones are not returned', () => withStore(async (store) => {
        const now = Date.now();
        const tx = sampleTransaction({ hintUserId: hex(12), returnTo: '/reports' });
        assert.equal(await store.transactions.put(tx, 100), true);
        assert.deepEqual(await store.transactions.consume(tx.stateHash, now + 1000), tx);
        assert.equal(await store.transactions.consume(tx.stateHash, now + 1000), undefined, 'single use');
        assert.equal(await store.transactions.consume(hex(32), now), undefined);
        const expiring = sampleTransaction({ expiresAt: now + 1000 });
        await store.transactions.put(expiring, 100);
        assert.equal(await store.transactions.consume(expiring.stateHash, now + 1000), undefined, 'expired at expiresAt');
        assert.equal(await store.transactions.consume(expiring.stateHash, now), undefined, 'an expired consume also removes it');
      }));

      it('concurrent consumes (two instances): exactly one wins', () => withPair(async (a, b) => {
        const tx = sampleTransaction();
        await a.transactions.put(tx, 100);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).transactions.consume(tx.stateHash, Date.now())));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      }));

      it('maxPending bounds the unexpired transactions; expired ones do not count', () => withStore(async (store) => {
        const now = Date.now();
        for (let i = 0; i < 3; i++) assert.equal(await store.transactions.put(sampleTransaction({ createdAt: now, expiresAt: now + 1000 }), 3), true);
        const refused = sampleTransaction({ createdAt: now });
        assert.equal(await store.transactions.put(refused, 3), false);
        assert.equal(await store.transactions.consume(refused.stateHash, now), undefined, 'a refused transaction is not stored');
        const afterExpiry = sampleTransaction({ createdAt: now + 1000, expiresAt: now + 601_000 });
        assert.equal(await store.transactions.put(afterExpiry, 3), true);
        assert.deepEqual(await store.transactions.consume(afterExpiry.stateHash, now + 1001), afterExpiry);
      }));

      it('purgeExpired removes only expired transactions', () => withStore(async (store) => {
        const now = Date.now();
        const old = sampleTransaction({ createdAt: now - 700_000, expiresAt: now - 100_000 });
        const live = sampleTransaction({ createdAt: now, expiresAt: now + 600_000 });
        await store.transactions.put(live, 100);
        await store.transactions.put(old, 100);
        assert.equal(await store.transactions.purgeExpired(now), 1);
        assert.deepEqual(await store.transactions.consume(live.stateHash, now), live);
      }));
    });

    describe('sessions', () => {
      it('create, get, touch (never past the absolute expiry), delete', () => withStore(async (store) => {
        const s = sampleSession({ sid: hex(16) });
        assert.equal(await store.sessions.create(s, s.createdAt - 5000), 'created');
        assert.deepEqual(await store.sessions.get(s.idHash), s);
        await store.sessions.touch(s.idHash, s.createdAt + 60_000, s.createdAt + 60_000 + HOUR);
        const touched = await store.sessions.get(s.idHash);
        assert.equal(touched?.lastSeenAt, s.createdAt + 60_000);
        assert.equal(touched?.idleExpiresAt, s.createdAt + 60_000 + HOUR);
        await store.sessions.touch(s.idHash, s.createdAt + 120_000, s.absoluteExpiresAt + HOUR);
        assert.equal((await store.sessions.get(s.idHash))?.idleExpiresAt, s.absoluteExpiresAt);
        await store.sessions.delete(s.idHash);
        assert.equal(await store.sessions.get(s.idHash), undefined);
        await store.sessions.touch(s.idHash, Date.now(), Date.now() + HOUR);
        assert.equal(await store.sessions.get(s.idHash), undefined, 'touch never recreates a deleted session');
        await store.sessions.delete(s.idHash);
      }));

      it('revokeUser ends only that user\'s sessions in that installation', () => withStore(async (store) => {
        const inst = hex(16);
        const otherInst = hex(16);
        const [u1, u2] = [hex(12), hex(12)];
        const now = Date.now();
        const a1 = sampleSession({ installationId: inst, userId: u1, createdAt: now });
        const a2 = sampleSession({ installationId: inst, userId: u1, createdAt: now + 1 });
        const b = sampleSession({ installationId: inst, userId: u2 });
        const c = sampleSession({ installationId: otherInst, userId: u1 });
        for (const s of [a1, a2, b, c]) assert.equal(await store.sessions.create(s, now - 1000), 'created');
        assert.deepEqual((await store.sessions.listByUser(inst, u1)).map((s) => s.idHash).sort(), [a1.idHash, a2.idHash].sort());
        assert.equal((await store.sessions.listByInstallation(inst)).length, 3);
        assert.equal((await store.sessions.listByInstallation(inst, { limit: 2 })).length, 2);
        assert.equal(await store.sessions.revokeUser(inst, u1, now), 2);
        assert.equal(await store.sessions.get(a1.idHash), undefined);
        assert.equal(await store.sessions.get(a2.idHash), undefined);
        assert.deepEqual(await store.sessions.listByUser(inst, u1), []);
        assert.deepEqual(await store.sessions.get(b.idHash), b);
        assert.deepEqual(await store.sessions.get(c.idHash), c);
        assert.equal(await store.sessions.revokeUser(inst, u1, now), 0, 'revoking again is harmless');
      }));

      it('a user watermark refuses logins started at or before it, never goes down, and is scoped', () => withStore(async (store) => {
        const inst = hex(16);
        const user = hex(12);
        const t = Date.now();
        await store.sessions.revokeUser(inst, user, t);
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst, userId: user }), t - 1), 'logged_out');
        const atMark = sampleSession({ installationId: inst, userId: user });
        assert.equal(await store.sessions.create(atMark, t), 'logged_out');
        assert.equal(await store.sessions.get(atMark.idHash), undefined, 'nothing stored when logged out');
        await store.sessions.revokeUser(inst, user, t - 60_000);
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst, userId: user }), t - 30_000), 'logged_out', 'never lowered');
        const after = sampleSession({ installationId: inst, userId: user });
        assert.equal(await store.sessions.create(after, t + 1), 'created');
        assert.deepEqual(await store.sessions.get(after.idHash), after);
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst, userId: hex(12) }), t - 1), 'created', 'another user is not affected');
        assert.equal(await store.sessions.create(sampleSession({ installationId: hex(16), userId: user }), t - 1), 'created', 'another installation is not affected');
      }));

      it('revokeInstallation ends every session of the installation and sets its watermark', () => withStore(async (store) => {
        const inst = hex(16);
        const other = sampleSession();
        const t = Date.now();
        const mine = [sampleSession({ installationId: inst }), sampleSession({ installationId: inst }), sampleSession({ installationId: inst })];
        for (const s of [...mine, other]) await store.sessions.create(s, t - 1000);
        assert.equal(await store.sessions.revokeInstallation(inst, t), 3);
        for (const s of mine) assert.equal(await store.sessions.get(s.idHash), undefined);
        assert.deepEqual(await store.sessions.get(other.idHash), other);
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst }), t), 'logged_out');
        await store.sessions.revokeInstallation(inst, t - HOUR);
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst }), t - 1), 'logged_out', 'never lowered');
        assert.equal(await store.sessions.create(sampleSession({ installationId: inst }), t + 1), 'created');
        assert.equal(await store.sessions.create(sampleSession(), t - 1), 'created', 'another installation is not affected');
      }));

      it('purgeExpired removes idle- and absolute-expired sessions only', () => withStore(async (store) => {
        const now = Date.now();
        const idle = sampleSession({ idleExpiresAt: now + 1000, absoluteExpiresAt: now + HOUR });
        const absolute = sampleSession({ idleExpiresAt: now + 1000, absoluteExpiresAt: now + 1000 });
        const live = sampleSession({ idleExpiresAt: now + 30 * 60_000, absoluteExpiresAt: now + HOUR });
        for (const s of [idle, absolute, live]) await store.sessions.create(s, now - 1);
        assert.equal(await store.sessions.purgeExpired(now + 2000), 2);
        assert.equal(await store.sessions.get(idle.idHash), undefined);
        assert.equal(await store.sessions.get(absolute.idHash), undefined);
        assert.deepEqual(await store.sessions.get(live.idHash), live);
      }));

      it('subscribeRevocations delivers revocations (to another instance) until unsubscribed', () => withPair(async (a, b) => {
        if (b.sessions.subscribeRevocations === undefined) {
          assert.ok(!options.requireRevocationFanout, 'this store must implement subscribeRevocations');
          return;
        }
        const received: SessionRevocation[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = await b.sessions.subscribeRevocations((r) => {
          received.push(r);
          wake?.();
        });
        const waitFor = async (predicate: () => boolean): Promise<void> => {
          const deadline = Date.now() + (options.fanoutTimeoutMs ?? 2000);
          while (!predicate() && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 25);
            });
          }
        };
        const inst = hex(16);
        const user = hex(12);
        const s = sampleSession({ installationId: inst, userId: user });
        await a.sessions.create(s, Date.now() - 1000);
        await a.sessions.revokeUser(inst, user, Date.now());
        await waitFor(() => received.some((r) => r.userId === user));
        const forUser = received.find((r) => r.userId === user);
        assert.ok(forUser, 'the user revocation was delivered');
        assert.equal(forUser.installationId, inst);
        assert.deepEqual([...forUser.idHashes], [s.idHash]);

        const t = sampleSession();
        await a.sessions.create(t, Date.now() - 1000);
        await a.sessions.revokeInstallation(t.installationId, Date.now());
        await waitFor(() => received.some((r) => r.installationId === t.installationId));
        const forInstallation = received.find((r) => r.installationId === t.installationId);
        assert.ok(forInstallation, 'the installation revocation was delivered');
        assert.deepEqual([...forInstallation.idHashes], [t.idHash]);

        await unsubscribe();
        const count = received.length;
        await a.sessions.revokeUser(hex(16), hex(12), Date.now());
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal(received.length, count, 'nothing delivered after unsubscribe');
      }));
    });

    describe('failure records', () => {
      it('record, get, list newest first with installation filter and limit', () => withStore(async (store) => {
        const inst = hex(16);
        const now = Date.now();
        const f1 = sampleFailure({ at: now - 2000, installationId: inst, userId: hex(12), details: { status: 502, retried: true, host: 'acme.talkdeskid.com' } });
        const f2 = sampleFailure({ at: now - 1000, installationId: inst, stage: 'token', hintUserId: hex(12) });
        const f3 = sampleFailure({ at: now });
        for (const f of [f1, f2, f3]) await store.failures.record(f);
        assert.deepEqual(await store.failures.get(f1.referenceId), f1);
        assert.equal(await store.failures.get(hex(8)), undefined);
        assert.deepEqual((await store.failures.list()).map((f) => f.referenceId), [f3, f2, f1].map((f) => f.referenceId));
        assert.deepEqual((await store.failures.list({ installationId: inst })).map((f) => f.referenceId), [f2.referenceId, f1.referenceId]);
        assert.deepEqual((await store.failures.list({ limit: 1 })).map((f) => f.referenceId), [f3.referenceId]);
        if (store.failures.purgeBefore !== undefined) {
          assert.equal(await store.failures.purgeBefore(now - 500), 2);
          assert.deepEqual((await store.failures.list()).map((f) => f.referenceId), [f3.referenceId]);
        }
      }));
    });

    describe('token cache and refresh lease', () => {
      it('put, get by scope, delete every scope of one installation', () => withStore(async (store) => {
        const inst = hex(16);
        const other = hex(16);
        const expiresAt = Date.now() + HOUR;
        const t1 = { installationId: inst, accessToken: 'v1.k1.sealed-1', scope: 'apps:write', expiresAt };
        const t2 = { installationId: inst, accessToken: 'v1.k1.sealed-2', scope: 'apps:read', expiresAt };
        const t3 = { installationId: other, accessToken: 'v1.k1.sealed-3', scope: 'apps:write', expiresAt };
        for (const t of [t1, t2, t3]) await store.tokens.put(t);
        assert.deepEqual(await store.tokens.get(inst, 'apps:write'), t1);
        assert.deepEqual(await store.tokens.get(inst, 'apps:read'), t2);
        assert.equal(await store.tokens.get(inst, 'other'), undefined);
        const replaced = { ...t1, accessToken: 'v1.k1.sealed-4', expiresAt: expiresAt + 1 };
        await store.tokens.put(replaced);
        assert.deepEqual(await store.tokens.get(inst, 'apps:write'), replaced);
        await store.tokens.delete(inst);
        assert.equal(await store.tokens.get(inst, 'apps:write'), undefined);
        assert.equal(await store.tokens.get(inst, 'apps:read'), undefined);
        assert.deepEqual(await store.tokens.get(other, 'apps:write'), t3);
      }));

      it('the refresh lease has one holder at a time and frees on expiry or release', () => withPair(async (a, b) => {
        const inst = hex(16);
        const now = Date.now();
        assert.equal(await a.tokens.acquireRefreshLease(inst, 'A', now, 5000), true);
        assert.equal(await b.tokens.acquireRefreshLease(inst, 'B', now + 1000, 5000), false);
        assert.equal(await a.tokens.acquireRefreshLease(inst, 'A', now + 1000, 5000), true, 'the holder may renew');
        assert.equal(await b.tokens.acquireRefreshLease(hex(16), 'B', now, 5000), true, 'leases are per installation');
        await b.tokens.releaseRefreshLease(inst, 'B');
        assert.equal(await b.tokens.acquireRefreshLease(inst, 'B', now + 2000, 5000), false, 'only the holder releases');
        assert.equal(await b.tokens.acquireRefreshLease(inst, 'B', now + 6001, 5000), true, 'an expired lease is free');
        await b.tokens.releaseRefreshLease(inst, 'B');
        assert.equal(await a.tokens.acquireRefreshLease(inst, 'A', now + 6002, 5000), true, 'a released lease is free');
      }));

      it('concurrent acquirers (two instances): exactly one wins', () => withPair(async (a, b) => {
        const inst = hex(16);
        const now = Date.now();
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).tokens.acquireRefreshLease(inst, `holder-${i}`, now, 30_000)));
        assert.equal(results.filter(Boolean).length, 1);
      }));
    });
  });
}
