import { join } from 'node:path';
import { createKeyRing, loadSecretKeys, type KeyRing } from '../crypto/index.ts';
import { randomBytes } from 'node:crypto';
import * as stores from '../stores/index.ts';
import { createSqliteStore } from '../stores/sqlite/index.ts';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import type { Store } from '../stores/types.ts';
import { DEFAULTS } from './defaults.ts';
import type { AppConnectOptions } from './types.ts';

export interface OpenedStore {
  store: Store;
  /** True when the kit opened the store (and so closes it). */
  owned: boolean;
  /** True for a store that forgets everything at exit (sealing keys may then be ephemeral too). */
  ephemeral: boolean;
}

/** The configured store: the given Store, a store URL, or SQLite in the data folder by default. */
export async function openConfiguredStore(options: AppConnectOptions): Promise<OpenedStore> {
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  if (options.store === undefined) {
    return { store: createSqliteStore({ path: join(dataDir, 'appconnect.db') }), owned: true, ephemeral: false };
  }
  if (typeof options.store === 'string') {
    const ephemeral = /^memory:/.test(options.store) || options.store === 'sqlite::memory:';
    const store = options.store === 'memory:' ? stores.createMemoryStore() : await openByUrl(options.store);
    return { store, owned: true, ephemeral };
  }
  return { store: options.store, owned: false, ephemeral: false };
}

/**
 * Sealing keys: `secretKey`, else APPCONNECT_SECRET_KEY, else `<dataDir>/secret.key` (created 0600).
 * A memory store with no key configured gets a random in-process key: nothing outlives the process.
 */
export function loadConfiguredKeys(options: AppConnectOptions, ephemeralStore: boolean): KeyRing {
  const env = options.secretKey ?? process.env['APPCONNECT_SECRET_KEY'];
  if ((env === undefined || env.trim() === '') && ephemeralStore) {
    return createKeyRing([{ kid: 'mem', key: randomBytes(32) }]);
  }
  return loadSecretKeys({ ...(env !== undefined ? { env } : {}), keyFile: join(options.dataDir ?? DEFAULTS.dataDir, 'secret.key') });
}

/** `openStore` of src/stores (sqlite:, postgres:, redis:, memory: URLs). */
async function openByUrl(url: string): Promise<Store> {
  const open = (stores as unknown as { openStore?: (url: string) => Store | Promise<Store> }).openStore;
  if (!open) throw new AppConnectError(ErrorCode.StoreUrlInvalid, 'store URLs are not supported by this build; pass a Store', { status: 500 });
  return open(url);
}
