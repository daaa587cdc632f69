export type * from './types.ts';
export { validateOptions } from './validate.ts';
export { resolveConfig, type ResolvedConfig } from './resolve.ts';
export { DEFAULTS } from './defaults.ts';
