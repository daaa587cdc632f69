import { resolve } from 'node:path';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { createMemoryStore } from './memory.ts';
import type { PostgresStoreOptions } from './postgres/store.ts';
import type { RedisSessionStoreOptions } from './redis/store.ts';
import type { SqliteStoreOptions } from './sqlite/store.ts';
import type { Store } from './types.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/appconnect.db';

export interface OpenStoreOptions {
  /** `memory:`, `sqlite:./data/app.db`, `sqlite::memory:`, `postgres://...` / `postgresql://...` (`?schema=name` optional). */
  url: string;
  /** `redis://...` / `rediss://...` (optional `?prefix=` key prefix): keep sessions (and revocation fan-out) in Redis, the rest in `url`. */
  sessionsUrl?: string;
  sqlite?: Omit<SqliteStoreOptions, 'path'>;
  postgres?: Omit<PostgresStoreOptions, 'connectionString'>;
  redis?: Omit<RedisSessionStoreOptions, 'url'>;
}

export type ParsedStoreUrl =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; schema?: string }
  | { kind: 'redis'; url: string; keyPrefix?: string };

function invalid(message: string): AppConnectError {
  return new AppConnectError(ErrorCode.StoreUrlInvalid, message, { status: 500 });
}

/** The URL as safe to print: the password (and anything after it before the host) masked. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^:/@]+@/i, '$1***@');
}

/** Parses a store URL; a bad or unsupported one gives APPCONNECT_STORE_URL_INVALID (the password never echoed). */
export function parseStoreUrl(url: string): ParsedStoreUrl {
  if (typeof url !== 'string' || url.trim() === '') throw invalid('the store URL is empty; use memory:, sqlite:<path>, postgres://... (and redis://... as sessionsUrl)');
  const value = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory':
      if (!/^memory:(\/\/)?$/i.test(value)) throw invalid('a memory store URL is just "memory:"');
      return { kind: 'memory' };
    case 'sqlite': {
      let path = value.slice('sqlite:'.length);
      if (path.startsWith('//')) path = path.slice(2);
      if (path === '') throw invalid('a SQLite store URL needs a path, e.g. sqlite:./data/app.db or sqlite::memory:');
      if (path.includes('\0')) throw invalid('the SQLite path contains a NUL character');
      return { kind: 'sqlite', path: path === ':memory:' ? ':memory:' : path };
    }
    case 'postgres':
    case 'postgresql': {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        throw invalid(`the PostgreSQL URL "${redactStoreUrl(value)}" is not a valid URL`);
      }
      if (parsed.hostname === '') throw invalid(`the PostgreSQL URL "${redactStoreUrl(value)}" has no host`);
      const schema = parsed.searchParams.get('schema') ?? undefined;
      parsed.searchParams.delete('schema');
      if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw invalid('the PostgreSQL schema must be lowercase letters, digits and _ (at most 63)');
      return { kind: 'postgres', connectionString: parsed.toString(), ...(schema === undefined ? {} : { schema }) };
    }
    case 'redis':
    case 'rediss': {
      let parsed: URL;
      try {
        parsed = new URL(value);
        if (parsed.hostname === '') throw new Error('no host');
      } catch {
        throw invalid(`the Redis URL "${redactStoreUrl(value)}" is not a valid URL with a host`);
      }
      const keyPrefix = parsed.searchParams.get('prefix') ?? undefined;
      parsed.searchParams.delete('prefix');
      return { kind: 'redis', url: parsed.toString(), ...(keyPrefix === undefined || keyPrefix === '' ? {} : { keyPrefix }) };
    }
    default:
      throw invalid(`unsupported store URL scheme "${scheme ?? redactStoreUrl(value).slice(0, 20)}": use memory:, sqlite:<path>, postgres:// or postgresql:// (and redis:// as sessionsUrl)`);
  }
}

/**
 * Opens the store a URL names. `sqlite:` creates the folder; `postgres://` applies migrations;
 * Redis only holds sessions, beside another store: `openStore({ url: 'postgres://...', sessionsUrl: 'redis://...' })`.
 * Drivers (better-sqlite3, pg, redis) are imported only when used.
 */
export async function openStore(url: string, options?: Omit<OpenStoreOptions, 'url'>): Promise<Store>;
export async function openStore(options: OpenStoreOptions): Promise<Store>;
export async function openStore(urlOrOptions: string | OpenStoreOptions, more: Omit<OpenStoreOptions, 'url'> = {}): Promise<Store> {
  const options: OpenStoreOptions = typeof urlOrOptions === 'string' ? { ...more, url: urlOrOptions } : urlOrOptions;
  const main = parseStoreUrl(options.url);
  if (main.kind === 'redis') throw invalid('Redis holds only sessions: pass it as sessionsUrl beside a memory:, sqlite: or postgres:// url');
  const sessions = options.sessionsUrl === undefined ? undefined : parseStoreUrl(options.sessionsUrl);
  if (sessions !== undefined && sessions.kind !== 'redis') throw invalid('sessionsUrl must be a redis:// or rediss:// URL');

  const base = await openBase(main, options);
  if (sessions === undefined) return base;
  try {
    const { createRedisSessionStore, withSessionStore } = await import('./redis/store.ts');
    const keyPrefix = options.redis?.keyPrefix ?? sessions.keyPrefix;
    return withSessionStore(base, await createRedisSessionStore({ ...options.redis, url: sessions.url, ...(keyPrefix === undefined ? {} : { keyPrefix }) }));
  } catch (error) {
    await base.close().catch(() => {});
    throw error;
  }
}

async function openBase(main: Exclude<ParsedStoreUrl, { kind: 'redis' }>, options: OpenStoreOptions): Promise<Store> {
  switch (main.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite': {
      const { createSqliteStore } = await import('./sqlite/store.ts');
      return createSqliteStore({ ...options.sqlite, path: main.path === ':memory:' ? ':memory:' : resolve(main.path) });
    }
    case 'postgres': {
      const { createPostgresStore } = await import('./postgres/store.ts');
      return createPostgresStore({ ...options.postgres, connectionString: main.connectionString, ...(main.schema === undefined ? {} : { schema: main.schema }) });
    }
  }
}

/** Store URLs from the environment: APPCONNECT_STORE_URL (default sqlite:./data/appconnect.db) and APPCONNECT_SESSIONS_URL. */
export function storeUrlsFromEnv(env: Record<string, string | undefined> = process.env): { url: string; sessionsUrl?: string } {
  const url = env.APPCONNECT_STORE_URL?.trim() || DEFAULT_STORE_URL;
  const sessionsUrl = env.APPCONNECT_SESSIONS_URL?.trim() || undefined;
  return sessionsUrl === undefined ? { url } : { url, sessionsUrl };
}
