import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallationRecord } from '../../stores/types.ts';
import { hex, sampleInstallation } from '../fixtures.ts';
import { type ContractContext, receipt, upsert, ackPayload, HOUR } from './context.ts';

export function describeInstallationCases(ctx: ContractContext): void {
  const { withStore, withPair } = ctx;
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
}
