import type { Logger } from '../telemetry/types.ts';

const noop = () => undefined;
/** Used when no logger is given. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
