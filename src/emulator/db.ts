import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signing_keys (
  id TEXT PRIMARY KEY, purpose TEXT NOT NULL, private_key TEXT NOT NULL, public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL, active INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS apps (
  id TEXT PRIMARY KEY, version_id TEXT NOT NULL, name TEXT NOT NULL, version_name TEXT NOT NULL,
  events_url TEXT NOT NULL, standalone_url TEXT NOT NULL, redirect_url TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, email TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS installations (
  id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES apps(id), account_id TEXT NOT NULL REFERENCES accounts(id),
  state TEXT NOT NULL, state_reason TEXT, state_updated_at INTEGER NOT NULL, scopes TEXT NOT NULL,
  key_algorithm TEXT NOT NULL, created_by TEXT, created_at INTEGER NOT NULL, trial_on_approve INTEGER NOT NULL,
  uninstall_acknowledged INTEGER NOT NULL DEFAULT 0,
  trial_state TEXT, trial_started_at INTEGER, trial_expires_at INTEGER, trial_ended_at INTEGER, trial_ended_reason TEXT
);
CREATE TABLE IF NOT EXISTS licensed_users (
  installation_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (installation_id, user_id)
);
CREATE TABLE IF NOT EXISTS credentials (
  client_id TEXT PRIMARY KEY, installation_id TEXT NOT NULL, secret_hash TEXT NOT NULL, key_id TEXT NOT NULL,
  key_algorithm TEXT NOT NULL, public_key TEXT NOT NULL, status TEXT NOT NULL, valid_until INTEGER,
  acknowledged INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_installation ON credentials(installation_id);
CREATE TABLE IF NOT EXISTS login_sessions (
  sid TEXT PRIMARY KEY, cookie_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE TABLE IF NOT EXISTS auth_codes (
  code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, installation_id TEXT NOT NULL, user_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL, code_challenge TEXT, scope TEXT NOT NULL, nonce TEXT, sid TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, client_id TEXT NOT NULL, installation_id TEXT NOT NULL,
  user_id TEXT, scope TEXT NOT NULL, sid TEXT, code_hash TEXT, family TEXT NOT NULL, expires_at INTEGER NOT NULL,
  revoked_at INTEGER, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_code ON tokens(code_hash);
CREATE INDEX IF NOT EXISTS tokens_by_family ON tokens(family);
CREATE TABLE IF NOT EXISTS used_jtis (client_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (client_id, jti));
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, app_id TEXT NOT NULL, installation_id TEXT NOT NULL,
  type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, status TEXT NOT NULL,
  round_attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, dispatch_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_due ON events(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS attempts (
  event_id TEXT NOT NULL, n INTEGER NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  status_code INTEGER, error TEXT, ok INTEGER NOT NULL, PRIMARY KEY (event_id, n)
);
`;

/** Opens `{dataDir}/emulator.db` (WAL) or an in-memory database, and creates the tables. */
export function openDatabase(dataDir: string | undefined): Db {
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = new Database(join(dataDir, 'emulator.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } else {
    db = new Database(':memory:');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
