/** Options of `startEmulator` and the CLI, and their defaults. Durations are real seconds unless said. */
export interface EmulatorOptions {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Folder for `emulator.db` (SQLite, WAL). Absent: in-memory SQLite, same code path. */
  dataDir?: string;
  /** Divides the event retry waits (+5 min, +10 min): 600 makes the first wait 0.5 s. Default 1. */
  timeScale?: number;
  /** Origin put in every link, e.g. `http://localhost:4010`; default `http://{host}:{port}`. */
  publicOrigin?: string;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  codeTtlSeconds?: number;
  idTokenTtlSeconds?: number;
  /** Grace period of the previous credentials after a routine rotation (Talkdesk: seven days). */
  credentialsGraceSeconds?: number;
  /** Trial length in days (Talkdesk: 30). */
  trialDays?: number;
  /** Per-attempt timeout of an event delivery; default 10 000 ms. */
  deliveryTimeoutMs?: number;
  /** Largest request body accepted, bytes; default 64 KiB. */
  maxBodyBytes?: number;
  /** Called with one line per notable action (never secrets); default: silent. */
  log?: (line: string) => void;
}

export interface EmulatorConfig {
  host: string;
  port: number;
  dataDir: string | undefined;
  timeScale: number;
  publicOrigin: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  codeTtlSeconds: number;
  idTokenTtlSeconds: number;
  credentialsGraceSeconds: number;
  trialDays: number;
  deliveryTimeoutMs: number;
  /** Waits before attempt 2 and 3, in real ms before time scaling (Talkdesk: 5 and 10 minutes). */
  retryDelaysMs: readonly number[];
  maxBodyBytes: number;
  log: (line: string) => void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

export function resolveConfig(options: EmulatorOptions = {}): EmulatorConfig {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer 0..65535');
  let publicOrigin: string | undefined;
  if (options.publicOrigin !== undefined) {
    const url = new URL(options.publicOrigin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError('publicOrigin must be http(s)');
    publicOrigin = url.origin;
  }
  return {
    host: options.host ?? '127.0.0.1',
    port,
    dataDir: options.dataDir,
    timeScale: positive('timeScale', options.timeScale, 1),
    publicOrigin,
    accessTokenTtlSeconds: positive('accessTokenTtlSeconds', options.accessTokenTtlSeconds, 3600),
    refreshTokenTtlSeconds: positive('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds, 30 * 86400),
    codeTtlSeconds: positive('codeTtlSeconds', options.codeTtlSeconds, 60),
    idTokenTtlSeconds: positive('idTokenTtlSeconds', options.idTokenTtlSeconds, 3600),
    credentialsGraceSeconds: positive('credentialsGraceSeconds', options.credentialsGraceSeconds, 7 * 86400),
    trialDays: positive('trialDays', options.trialDays, 30),
    deliveryTimeoutMs: positive('deliveryTimeoutMs', options.deliveryTimeoutMs, 10_000),
    retryDelaysMs: [5 * 60_000, 10 * 60_000],
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, 64 * 1024),
    log: options.log ?? (() => {}),
  };
}
