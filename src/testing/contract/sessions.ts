import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionRevocation } from '../../stores/types.ts';
import { hex, sampleSession } from '../fixtures.ts';
import { type ContractContext, HOUR } from './context.ts';

export function describeSessionCases(ctx: ContractContext): void {
  const { withStore, withPair, options } = ctx;
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
}
