import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { redactPaths, stripQueryValues } from './redaction.ts';
import type { Logger } from './types.ts';

export const REDACTED = '[redacted]';

export interface LoggerOptions {
  /** pino level (default 'info'; 'silent' logs nothing). */
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Added to every line as `name`. */
  name?: string;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
  /** Extra field names to redact at any depth (up to four levels). */
  redactFields?: readonly string[];
}

/**
 * The kit's logger: pino with every secret-bearing field redacted (see redaction.ts) and query values
 * stripped from `url` fields. Returns a pino logger, which satisfies the kit's `Logger`.
 */
export function createLogger(options: LoggerOptions = {}): PinoLogger {
  const extra = (options.redactFields ?? []).flatMap((name) => [name, `*.${name}`, `*.*.${name}`, `*.*.*.${name}`]);
  return pino(
    {
      level: options.level ?? 'info',
      ...(options.name === undefined ? {} : { name: options.name }),
      redact: { paths: [...redactPaths(), ...extra], censor: REDACTED },
      serializers: {
        url: stripQueryValues,
        err: pino.stdSerializers.err,
        error: pino.stdSerializers.err,
      },
    },
    options.destination ?? pino.destination(1),
  );
}

/** A logger that drops everything (tests, or when the host app logs elsewhere). */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

export interface CapturedLogEntry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A redacting logger that keeps its lines in memory, for tests that check what was logged. */
export function createCapturingLogger(options: Omit<LoggerOptions, 'destination'> = {}): { logger: PinoLogger; entries(): CapturedLogEntry[]; text(): string } {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  const logger = createLogger({ level: 'debug', ...options, destination });
  return {
    logger,
    entries: () => lines.map((line) => JSON.parse(line) as CapturedLogEntry),
    text: () => lines.join(''),
  };
}
