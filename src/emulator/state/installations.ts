import type { Db } from '../db.ts';

export type InstallationState = 'pending' | 'completed' | 'rejected' | 'uninstalled';
export type TrialState = 'active' | 'ended';

export interface InstallationRow {
  id: string;
  app_id: string;
  account_id: string;
  state: InstallationState;
  state_reason: string | null;
  state_updated_at: number;
  /** JSON array of scope strings. */
  scopes: string;
  key_algorithm: string;
  created_by: string | null;
  created_at: number;
  trial_on_approve: number;
  uninstall_acknowledged: number;
  trial_state: TrialState | null;
  trial_started_at: number | null;
  trial_expires_at: number | null;
  trial_ended_at: number | null;
  trial_ended_reason: string | null;
}

export class InstallationsRepo {
  constructor(private readonly db: Db) {}

  insert(row: InstallationRow): void {
    this.db
      .prepare(
        `INSERT INTO installations (id, app_id, account_id, state, state_reason, state_updated_at, scopes, key_algorithm,
           created_by, created_at, trial_on_approve, uninstall_acknowledged, trial_state, trial_started_at, trial_expires_at,
           trial_ended_at, trial_ended_reason)
         VALUES (@id, @app_id, @account_id, @state, @state_reason, @state_updated_at, @scopes, @key_algorithm,
           @created_by, @created_at, @trial_on_approve, @uninstall_acknowledged, @trial_state, @trial_started_at,
           @trial_expires_at, @trial_ended_at, @trial_ended_reason)`,
      )
      .run(row);
  }

  get(id: string): InstallationRow | undefined {
    return this.db.prepare('SELECT * FROM installations WHERE id = ?').get(id) as InstallationRow | undefined;
  }

  list(): InstallationRow[] {
    return this.db.prepare('SELECT * FROM installations ORDER BY created_at, id').all() as InstallationRow[];
  }

  byAccount(accountId: string): InstallationRow[] {
    return this.db.prepare('SELECT * FROM installations WHERE account_id = ? ORDER BY created_at, id').all(accountId) as InstallationRow[];
  }

  activeFor(appId: string, accountId: string): InstallationRow | undefined {
    return this.db
      .prepare("SELECT * FROM installations WHERE app_id = ? AND account_id = ? AND state NOT IN ('uninstalled', 'rejected')")
      .get(appId, accountId) as InstallationRow | undefined;
  }

  setState(id: string, state: InstallationState, reason: string | null, at: number): void {
    this.db.prepare('UPDATE installations SET state = ?, state_reason = ?, state_updated_at = ? WHERE id = ?').run(state, reason, at, id);
  }

  setUninstallAcknowledged(id: string): void {
    this.db.prepare('UPDATE installations SET uninstall_acknowledged = 1 WHERE id = ?').run(id);
  }

  setTrial(id: string, trial: { state: TrialState; started_at: number | null; expires_at: number | null; ended_at: number | null; ended_reason: string | null }): void {
    this.db
      .prepare(
        `UPDATE installations SET trial_state = ?, trial_started_at = ?, trial_expires_at = ?, trial_ended_at = ?, trial_ended_reason = ?
         WHERE id = ?`,
      )
      .run(trial.state, trial.started_at, trial.expires_at, trial.ended_at, trial.ended_reason, id);
  }

  licensedUsers(installationId: string): string[] {
    const rows = this.db
      .prepare(
        `SELECT l.user_id FROM licensed_users l JOIN users u ON u.id = l.user_id WHERE l.installation_id = ? ORDER BY u.created_at, u.id`,
      )
      .all(installationId) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  license(installationId: string, userId: string): void {
    this.db.prepare('INSERT OR IGNORE INTO licensed_users (installation_id, user_id) VALUES (?, ?)').run(installationId, userId);
  }

  unlicense(installationId: string, userId: string): void {
    this.db.prepare('DELETE FROM licensed_users WHERE installation_id = ? AND user_id = ?').run(installationId, userId);
  }
}
