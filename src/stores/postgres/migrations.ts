/** Versioned schema of the PostgreSQL store (inside the configured schema). Append; never edit a published version. */
export const POSTGRES_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE installations (
        installation_id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        record JSONB NOT NULL
      );
      CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        type TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        received_at BIGINT NOT NULL
      );
      CREATE INDEX processed_events_received ON processed_events (received_at);
      CREATE TABLE licences (
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        licensed BOOLEAN NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (installation_id, user_id)
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        payload JSONB NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_until BIGINT,
        last_error TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX outbox_created ON outbox (created_at);
      CREATE TABLE login_transactions (
        state_hash TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        record JSONB NOT NULL
      );
      CREATE INDEX login_transactions_expiry ON login_transactions (expires_at);
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        idle_expires_at BIGINT NOT NULL,
        absolute_expires_at BIGINT NOT NULL,
        record JSONB NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (installation_id, user_id);
      CREATE INDEX sessions_idle_expiry ON sessions (idle_expires_at);
      CREATE INDEX sessions_absolute_expiry ON sessions (absolute_expires_at);
      CREATE TABLE user_watermarks (
        installation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        watermark BIGINT NOT NULL,
        PRIMARY KEY (installation_id, user_id)
      );
      CREATE TABLE installation_watermarks (
        installation_id TEXT PRIMARY KEY,
        watermark BIGINT NOT NULL
      );
      CREATE TABLE failures (
        reference_id TEXT PRIMARY KEY,
        at BIGINT NOT NULL,
        installation_id TEXT,
        record JSONB NOT NULL
      );
      CREATE INDEX failures_at ON failures (at);
      CREATE INDEX failures_installation ON failures (installation_id, at);
      CREATE TABLE token_cache (
        installation_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        record JSONB NOT NULL,
        PRIMARY KEY (installation_id, scope)
      );
      CREATE TABLE refresh_leases (
        installation_id TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        lease_until BIGINT NOT NULL
      );
    `,
  },
];
