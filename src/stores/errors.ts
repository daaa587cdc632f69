import { AppConnectError, ErrorCode } from '../errors/index.ts';

/** The error every store call rejects with when its backing service fails or cannot be reached. */
export function storeUnavailable(store: string, cause: unknown, details: Record<string, unknown> = {}): AppConnectError {
  if (cause instanceof AppConnectError) return cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new AppConnectError(ErrorCode.StoreUnavailable, `the ${store} store is unavailable${typeof code === 'string' ? ` (${code})` : ''}`, {
    status: 503,
    details: { store, ...(typeof code === 'string' ? { driverCode: code } : {}), ...details },
    cause,
  });
}

/** Imports an optional driver package (pg, redis), with a clear error when it is not installed. */
export async function loadDriver<T>(name: string, service: string): Promise<T> {
  try {
    const module = (await import(name)) as { default?: T } & T;
    return (module.default ?? module) as T;
  } catch (error) {
    throw new AppConnectError(ErrorCode.ConfigInvalid, `the ${service} store needs the "${name}" package: npm install ${name}`, { status: 500, cause: error });
  }
}
