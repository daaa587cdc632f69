export type * from './types.ts';
export { createMemoryStore } from './memory.ts';
