import type { Db } from '../db.ts';

export interface AppRow {
  id: string;
  version_id: string;
  name: string;
  version_name: string;
  events_url: string;
  standalone_url: string;
  redirect_url: string;
  created_at: number;
}

export class AppsRepo {
  constructor(private readonly db: Db) {}

  insert(row: AppRow): void {
    this.db
      .prepare(
        `INSERT INTO apps (id, version_id, name, version_name, events_url, standalone_url, redirect_url, created_at)
         VALUES (@id, @version_id, @name, @version_name, @events_url, @standalone_url, @redirect_url, @created_at)`,
      )
      .run(row);
  }

  get(id: string): AppRow | undefined {
    return this.db.prepare('SELECT * FROM apps WHERE id = ?').get(id) as AppRow | undefined;
  }

  list(): AppRow[] {
    return this.db.prepare('SELECT * FROM apps ORDER BY created_at, id').all() as AppRow[];
  }
}
