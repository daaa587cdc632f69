export { createSqliteStore } from './store.ts';
export type { SqliteStoreOptions } from './store.ts';
export { SQLITE_MIGRATIONS, migrateSqlite } from './migrations.ts';
