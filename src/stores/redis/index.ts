export { createRedisSessionStore, withSessionStore } from './store.ts';
export type { RedisSessionStore, RedisSessionStoreOptions } from './store.ts';
