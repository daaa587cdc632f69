import { join } from 'node:path';
import { createKeyRing, loadSecretKeys, type KeyRing } from '../crypto/index.ts';
import { randomBytes } from 'node:crypto';
import { createMemoryStore, openStore } from '../stores/index.ts';
import { createSqliteStore } from '../stores/sqlite/index.ts';
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

/**
 * The configured store: the given Store, a store URL (option `store`, else APPCONNECT_STORE_URL), with
 * sessions optionally elsewhere (`sessionsUrl`, else APPCONNECT_SESSIONS_URL, e.g. redis://), or
 * SQLite in the data folder by default.
 */
export async function openConfiguredStore(options: AppConnectOptions, env: Record<string, string | undefined> = process.env): Promise<OpenedStore> {
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  if (options.store !== undefined && typeof options.store !== 'string') return { store: options.store, owned: false, ephemeral: false };
  const url = options.store ?? nonEmpty(env['APPCONNECT_STORE_URL']);
  const sessionsUrl = options.sessionsUrl ?? nonEmpty(env['APPCONNECT_SESSIONS_URL']);
  if (url === undefined && sessionsUrl === undefined) {
    return { store: createSqliteStore({ path: join(dataDir, 'appconnect.db') }), owned: true, ephemeral: false };
  }
  const base = url ?? `sqlite:${join(dataDir, 'appconnect.db')}`;
  const ephemeral = sessionsUrl === undefined && (/^memory:/.test(base) || base === 'sqlite::memory:');
  const store = base === 'memory:' && sessionsUrl === undefined ? createMemoryStore() : await openStore({ url: base, ...(sessionsUrl ? { sessionsUrl } : {}) });
  return { store, owned: true, ephemeral };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
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
