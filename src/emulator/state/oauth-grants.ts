import type { Db } from '../db.ts';

export interface AuthCodeRow {
  code_hash: string;
  client_id: string;
  installation_id: string;
  user_id: string;
  redirect_uri: string;
  code_challenge: string | null;
  scope: string;
  nonce: string | null;
  sid: string;
  expires_at: number;
  used_at: number | null;
}

export type TokenKind = 'access' | 'refresh';

export interface TokenRow {
  token_hash: string;
  kind: TokenKind;
  client_id: string;
  installation_id: string;
  user_id: string | null;
  scope: string;
  sid: string | null;
  code_hash: string | null;
  /** Every token descending from one code or one client-credentials grant shares a family. */
  family: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

/** Authorization codes, access and refresh tokens (all stored as SHA-256 hashes) and used assertion ids. */
export class OAuthGrantsRepo {
  constructor(private readonly db: Db) {}

  insertCode(row: AuthCodeRow): void {
    this.db
      .prepare(
        `INSERT INTO auth_codes (code_hash, client_id, installation_id, user_id, redirect_uri, code_challenge, scope, nonce, sid, expires_at, used_at)
         VALUES (@code_hash, @client_id, @installation_id, @user_id, @redirect_uri, @code_challenge, @scope, @nonce, @sid, @expires_at, @used_at)`,
      )
      .run(row);
  }

  code(codeHash: string): AuthCodeRow | undefined {
    return this.db.prepare('SELECT * FROM auth_codes WHERE code_hash = ?').get(codeHash) as AuthCodeRow | undefined;
  }

  /** Marks the code used; false when it was already used (a concurrent or repeated exchange). */
  consumeCode(codeHash: string, at: number): boolean {
    return this.db.prepare('UPDATE auth_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL').run(at, codeHash).changes === 1;
  }

  insertToken(row: TokenRow): void {
    this.db
      .prepare(
        `INSERT INTO tokens (token_hash, kind, client_id, installation_id, user_id, scope, sid, code_hash, family, expires_at, revoked_at, created_at)
         VALUES (@token_hash, @kind, @client_id, @installation_id, @user_id, @scope, @sid, @code_hash, @family, @expires_at, @revoked_at, @created_at)`,
      )
      .run(row);
  }

  token(tokenHash: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
  }

  revokeToken(tokenHash: string, at: number): boolean {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL').run(at, tokenHash).changes === 1;
  }

  revokeFamily(family: string, at: number): void {
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL').run(at, family);
  }

  revokeBySid(sid: string, at: number): void {
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE sid = ? AND revoked_at IS NULL').run(at, sid);
  }

  revokeByClient(clientId: string, at: number): void {
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL').run(at, clientId);
  }

  revokeByInstallation(installationId: string, at: number): void {
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE installation_id = ? AND revoked_at IS NULL').run(at, installationId);
  }

  /** Records an assertion id; false when this client already used it. */
  useJti(clientId: string, jti: string, expiresAt: number): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO used_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)').run(clientId, jti, expiresAt).changes === 1;
  }
}
