export * from './appconnect-error.ts';
export * from './codes.ts';
