import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { serviceReachable } from '../stores/service-guard.ts';

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Whether a service can be used. Unreachable: under CI=true that is a failure (the caller's test
 * fails on `assert`), otherwise a loud warning and the caller skips (or runs without it).
 */
export async function available(service: 'PostgreSQL' | 'Redis'): Promise<boolean> {
  const port = service === 'PostgreSQL' ? 5432 : 6379;
  if (await serviceReachable('127.0.0.1', port)) return true;
  if (process.env.CI === 'true') throw new Error(`${service} at 127.0.0.1:${port} is unreachable and CI=true: the scale tests need it`);
  console.warn(`\n!!! ${service} at 127.0.0.1:${port} is unreachable: the scale tests that need it are SKIPPED (set CI=true to make this a failure) !!!\n`);
  return false;
}

/** A name unique to this test run (schema names, Redis key prefixes). */
export function runName(label: string): string {
  return `scale_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A store URL on a fresh schema of the test database (created by the store's migrations). */
export function postgresStoreUrl(schema: string, port = 5432): string {
  return `postgres://postgres@127.0.0.1:${port}/test?schema=${schema}`;
}

/** Runs `fn` with a client of the test database, then closes it. */
export async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000, statement_timeout: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withPg((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** Deletes every key under `prefix` (SCAN, bounded batches). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
