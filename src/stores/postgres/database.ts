import type pg from 'pg';
import type { PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { AppConnectError, ErrorCode } from '../../errors/index.ts';
import { storeUnavailable } from '../errors.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';

export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database` (or give `pool`). */
  connectionString?: string;
  /** Extra pg Pool settings (host, ssl, ...); the timeouts below win over the same keys here. */
  pool?: PoolConfig;
  /** Schema holding the tables (created when missing). Default `public`. */
  schema?: string;
  /** Server-side statement timeout and client-side query deadline (default 10 000 ms). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, new or from the pool (default 5000 ms). */
  connectionTimeoutMs?: number;
  /** Pool size (default 10). */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A pg pool with deadlines everywhere, errors mapped to APPCONNECT_STORE_UNAVAILABLE. */
export class PostgresDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly config: PoolConfig;

  /** `driver` is the `pg` module, imported lazily so apps without PostgreSQL need not install it. */
  constructor(driver: typeof pg, options: PostgresConnectionOptions) {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new AppConnectError(ErrorCode.StoreUrlInvalid, 'the PostgreSQL schema name must be lowercase letters, digits and _ (at most 63)', { status: 500 });
    }
    this.schema = schema;
    const statementTimeout = options.statementTimeoutMs ?? 10_000;
    this.config = {
      ...options.pool,
      ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
      max: options.maxConnections ?? options.pool?.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1000,
      idle_in_transaction_session_timeout: statementTimeout * 3,
      lock_timeout: statementTimeout,
      keepAlive: true,
      application_name: options.pool?.application_name ?? 'appconnect-sso',
      options: `-c search_path=${schema}`,
    };
    this.pool = new driver.Pool(this.config);
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.pool.on('error', () => {});
  }

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw storeUnavailable('postgres', error);
    }
  }

  /**
   * Runs `fn` in one transaction on one client. Errors thrown by `fn` itself that are not database
   * errors (a decide callback failing) pass through unchanged; every other failure becomes
   * APPCONNECT_STORE_UNAVAILABLE.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw storeUnavailable('postgres', error);
    }
    let broken = false;
    const tx: Tx = {
      async query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
        try {
          return (await client.query<R>(sql, params)).rows;
        } catch (error) {
          throw storeUnavailable('postgres', error);
        }
      },
    };
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone or unusable: drop it from the pool
      }
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  /** Creates the schema and applies the missing migrations under an advisory lock (safe for concurrent starts). */
  async migrate(): Promise<number> {
    return this.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`appconnect-sso:migrate:${this.schema}`]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${this.schema}.schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`);
      const done = new Set((await tx.query<{ version: number }>(`SELECT version FROM ${this.schema}.schema_migrations`)).map((r) => r.version));
      const newest = Math.max(0, ...POSTGRES_MIGRATIONS.map((m) => m.version));
      if ([...done].some((v) => v > newest)) {
        throw new AppConnectError(ErrorCode.StoreUnavailable, `the PostgreSQL schema "${this.schema}" was migrated by a newer version of appconnect-sso`, { status: 503 });
      }
      let applied = 0;
      for (const migration of POSTGRES_MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await tx.query(`SET LOCAL search_path = ${this.schema}`);
        await tx.query(migration.sql);
        await tx.query(`INSERT INTO ${this.schema}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [migration.version, Date.now()]);
        applied++;
      }
      return applied;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface Tx {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
}
