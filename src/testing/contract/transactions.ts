import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, sampleTransaction } from '../fixtures.ts';
import { type ContractContext } from './context.ts';

export function describeTransactionCases(ctx: ContractContext): void {
  const { withStore, withPair } = ctx;
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
}
