import type { Db } from '../db.ts';

/** `current`: the newest set; `previous`: still valid until `valid_until` or an acknowledgement; `revoked`. */
export type CredentialStatus = 'current' | 'previous' | 'revoked';

export interface CredentialRow {
  client_id: string;
  installation_id: string;
  secret_hash: string;
  key_id: string;
  key_algorithm: string;
  public_key: string;
  status: CredentialStatus;
  valid_until: number | null;
  acknowledged: number;
  created_at: number;
}

export class CredentialsRepo {
  constructor(private readonly db: Db) {}

  insert(row: CredentialRow): void {
    this.db
      .prepare(
        `INSERT INTO credentials (client_id, installation_id, secret_hash, key_id, key_algorithm, public_key, status, valid_until,
           acknowledged, created_at)
         VALUES (@client_id, @installation_id, @secret_hash, @key_id, @key_algorithm, @public_key, @status, @valid_until,
           @acknowledged, @created_at)`,
      )
      .run(row);
  }

  get(clientId: string): CredentialRow | undefined {
    return this.db.prepare('SELECT * FROM credentials WHERE client_id = ?').get(clientId) as CredentialRow | undefined;
  }

  current(installationId: string): CredentialRow | undefined {
    return this.db
      .prepare("SELECT * FROM credentials WHERE installation_id = ? AND status = 'current'")
      .get(installationId) as CredentialRow | undefined;
  }

  forInstallation(installationId: string): CredentialRow[] {
    return this.db.prepare('SELECT * FROM credentials WHERE installation_id = ? ORDER BY created_at').all(installationId) as CredentialRow[];
  }

  /** Demotes the current set: kept valid until `validUntil`, or revoked at once when null. */
  demoteCurrent(installationId: string, validUntil: number | null): string[] {
    const rows = this.db
      .prepare("SELECT client_id FROM credentials WHERE installation_id = ? AND status IN ('current', 'previous')")
      .all(installationId) as { client_id: string }[];
    if (validUntil === null) {
      this.db.prepare("UPDATE credentials SET status = 'revoked' WHERE installation_id = ? AND status IN ('current', 'previous')").run(installationId);
    } else {
      this.db
        .prepare("UPDATE credentials SET status = 'previous', valid_until = ? WHERE installation_id = ? AND status = 'current'")
        .run(validUntil, installationId);
    }
    return rows.map((r) => r.client_id);
  }

  acknowledge(clientId: string): void {
    const row = this.get(clientId);
    if (!row) return;
    this.db.prepare('UPDATE credentials SET acknowledged = 1 WHERE client_id = ?').run(clientId);
    this.db.prepare("UPDATE credentials SET status = 'revoked' WHERE installation_id = ? AND status = 'previous'").run(row.installation_id);
  }

  revokeAll(installationId: string): void {
    this.db.prepare("UPDATE credentials SET status = 'revoked' WHERE installation_id = ?").run(installationId);
  }

  /** True when the set may authenticate at `now`. */
  static usable(row: CredentialRow, now: number): boolean {
    if (row.status === 'current') return true;
    return row.status === 'previous' && row.valid_until !== null && now < row.valid_until;
  }
}
