import type { Logger } from '../telemetry/types.ts';
import { createLogger } from '../telemetry/index.ts';

/** The kit's logger when the app gives none (pino, JSON lines, level from APPCONNECT_LOG_LEVEL). */
export function defaultLogger(): Logger {
  return createLogger();
}
