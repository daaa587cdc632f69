export { createPostgresStore } from './store.ts';
export type { PostgresStoreOptions } from './store.ts';
export type { PostgresConnectionOptions } from './database.ts';
export { POSTGRES_MIGRATIONS } from './migrations.ts';
