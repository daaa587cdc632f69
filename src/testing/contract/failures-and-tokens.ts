import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, sampleFailure } from '../fixtures.ts';
import { type ContractContext, HOUR } from './context.ts';

export function describeFailureAndTokenCases(ctx: ContractContext): void {
  const { withStore, withPair } = ctx;
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
}
