import type { Db } from '../db.ts';

export interface AccountRow {
  id: string;
  name: string;
  created_at: number;
}

export interface UserRow {
  id: string;
  account_id: string;
  name: string;
  email: string;
  created_at: number;
}

export class AccountsRepo {
  constructor(private readonly db: Db) {}

  insert(row: AccountRow): void {
    this.db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (@id, @name, @created_at)').run(row);
  }

  get(id: string): AccountRow | undefined {
    return this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
  }

  byName(name: string): AccountRow | undefined {
    return this.db.prepare('SELECT * FROM accounts WHERE name = ?').get(name) as AccountRow | undefined;
  }

  list(): AccountRow[] {
    return this.db.prepare('SELECT * FROM accounts ORDER BY created_at, id').all() as AccountRow[];
  }

  insertUser(row: UserRow): void {
    this.db
      .prepare('INSERT INTO users (id, account_id, name, email, created_at) VALUES (@id, @account_id, @name, @email, @created_at)')
      .run(row);
  }

  user(id: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  users(accountId: string): UserRow[] {
    return this.db.prepare('SELECT * FROM users WHERE account_id = ? ORDER BY created_at, id').all(accountId) as UserRow[];
  }
}
