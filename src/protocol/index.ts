export * from './ids.ts';
export * from './time.ts';
export * from './keys.ts';
export * from './links.ts';
export * from './events.ts';
export * from './signature.ts';
export * from './hosts.ts';
