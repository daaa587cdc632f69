/**
 * Base of every error the package throws on purpose. `code` is a stable string (documented in
 * docs/error-codes.md); `message` is for developers and never holds a secret.
 */
export class AppConnectError<Code extends string = string> extends Error {
  readonly code: Code;
  /** HTTP status that best describes the error when it ends a request. */
  readonly status: number;
  /** Extra facts safe to log (never secrets, tokens or keys). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppConnectError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export function isAppConnectError(value: unknown): value is AppConnectError {
  return value instanceof AppConnectError;
}
