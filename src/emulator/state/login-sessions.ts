import type { Db } from '../db.ts';

/** A Talkdesk ID login in the emulator: `sid` is public (given to apps), the cookie value is secret (stored hashed). */
export interface LoginSessionRow {
  sid: string;
  cookie_hash: string;
  user_id: string;
  created_at: number;
  ended_at: number | null;
}

export class LoginSessionsRepo {
  constructor(private readonly db: Db) {}

  insert(row: LoginSessionRow): void {
    this.db
      .prepare('INSERT INTO login_sessions (sid, cookie_hash, user_id, created_at, ended_at) VALUES (@sid, @cookie_hash, @user_id, @created_at, @ended_at)')
      .run(row);
  }

  activeByCookieHash(cookieHash: string): LoginSessionRow | undefined {
    return this.db
      .prepare('SELECT * FROM login_sessions WHERE cookie_hash = ? AND ended_at IS NULL')
      .get(cookieHash) as LoginSessionRow | undefined;
  }

  end(sid: string, at: number): void {
    this.db.prepare('UPDATE login_sessions SET ended_at = ? WHERE sid = ? AND ended_at IS NULL').run(at, sid);
  }

  /** Ends every live login of the user; returns their sids. */
  endAllOf(userId: string, at: number): string[] {
    const rows = this.db.prepare('SELECT sid FROM login_sessions WHERE user_id = ? AND ended_at IS NULL').all(userId) as { sid: string }[];
    this.db.prepare('UPDATE login_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(at, userId);
    return rows.map((r) => r.sid);
  }

  activeCount(userId: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM login_sessions WHERE user_id = ? AND ended_at IS NULL').get(userId) as { n: number };
    return row.n;
  }
}
