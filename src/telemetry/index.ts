export type { Logger } from './types.ts';
export { createLogger, createCapturingLogger, silentLogger, REDACTED } from './logger.ts';
export type { LoggerOptions, CapturedLogEntry } from './logger.ts';
export { redactPaths, stripQueryValues, SECRET_FIELD_NAMES } from './redaction.ts';
