/**
 * Post-login targets (checklist S07): only a path of this app, never an absolute or protocol-relative
 * URL. Anything else is ignored in favour of `afterLoginPath`.
 */
const SAFE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

export function safeReturnPath(value: string | undefined, origin: string): string | undefined {
  if (value === undefined || value.length === 0 || value.length > 512) return undefined;
  if (!SAFE_PATH.test(value)) return undefined;
  try {
    const url = new URL(value, origin);
    if (url.origin !== origin) return undefined;
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}
