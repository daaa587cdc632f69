import type { Database } from 'better-sqlite3';

/** Versioned schema of the SQLite store. Append new versions; never edit a published one. */
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE installations (
        installation_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        type TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX processed_events_received ON processed_events (received_at);
      CREATE TABLE licences (
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        licensed INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (installation_id, user_id)
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
      CREATE TABLE login_transactions (
        state_hash TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX login_transactions_expiry ON login_transactions (expires_at);
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        idle_expires_at INTEGER NOT NULL,
        absolute_expires_at INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (installation_id, user_id);
      CREATE INDEX sessions_idle_expiry ON sessions (idle_expires_at);
      CREATE INDEX sessions_absolute_expiry ON sessions (absolute_expires_at);
      CREATE TABLE user_watermarks (
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        watermark INTEGER NOT NULL,
        PRIMARY KEY (installation_id, user_id)
      );
      CREATE TABLE installation_watermarks (
        installation_id TEXT PRIMARY KEY,
        watermark INTEGER NOT NULL
      );
      CREATE TABLE failures (
        reference_id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        installation_id TEXT,
        record TEXT NOT NULL
      );
      CREATE INDEX failures_at ON failures (at);
      CREATE INDEX failures_installation ON failures (installation_id, at);
      CREATE TABLE token_cache (
        installation_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (installation_id, scope)
      );
      CREATE TABLE refresh_leases (
        installation_id TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        lease_until INTEGER NOT NULL
      );
    `,
  },
];

/** Applies the missing migrations in one IMMEDIATE transaction, so concurrent starts apply each once. */
export function migrateSqlite(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = db.transaction(() => {
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
    let count = 0;
    for (const migration of SQLITE_MIGRATIONS) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now());
      count++;
    }
    return count;
  });
  return applied.immediate();
}
