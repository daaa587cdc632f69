import { describe, it, after } from 'node:test';
import type { Store } from '../stores/types.ts';
import type { ContractContext, StoreContractOptions } from './contract/context.ts';
import { describeInstallationCases } from './contract/installations.ts';
import { describeOutboxCases } from './contract/outbox.ts';
import { describeTransactionCases } from './contract/transactions.ts';
import { describeSessionCases } from './contract/sessions.ts';
import { describeFailureAndTokenCases } from './contract/failures-and-tokens.ts';

export type { StoreContractOptions } from './contract/context.ts';

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

  const ctx: ContractContext = { withStore, withPair, options };

  describe(`Store contract: ${name}`, () => {
    if (options.cleanup !== undefined) after(options.cleanup);

    it('ping answers on an open store', () => withStore(async (store) => {
      await store.ping();
    }));

    describeInstallationCases(ctx);
    describeOutboxCases(ctx);
    describeTransactionCases(ctx);
    describeSessionCases(ctx);
    describeFailureAndTokenCases(ctx);
  });
}
