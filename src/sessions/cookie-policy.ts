import type { CookieAttributes } from '../http/cookies.ts';

/**
 * Names and attributes of the kit's three cookies:
 * - session: `__Host-<prefix>-session`, HttpOnly, Path=/, the configured SameSite (None adds Partitioned);
 * - login binding: `__Secure-<prefix>-login`, HttpOnly, Path = callback path, 10 min, same SameSite policy
 *   (so it also survives inside a Talkdesk frame);
 * - last installation: `__Host-<prefix>-installation`, not secret (an installation id), lets an expired
 *   session re-run SSO silently.
 * On plain-http loopback development the Secure flag and the prefixes are dropped (browsers refuse them).
 */
export interface CookiePolicy {
  sessionName: string;
  bindingName: string;
  installationName: string;
  session(maxAgeSeconds?: number): CookieAttributes;
  binding(maxAgeSeconds: number): CookieAttributes;
  installation(maxAgeSeconds: number): CookieAttributes;
}

export function createCookiePolicy(options: { secure: boolean; sameSite: 'lax' | 'none'; namePrefix: string; callbackPath: string }): CookiePolicy {
  const none = options.sameSite === 'none';
  // SameSite=None is only accepted with Secure; browsers allow Secure cookies from http://localhost.
  const secure = options.secure || none;
  const sameSite = none ? ('None' as const) : ('Lax' as const);
  const partitioned = none;
  const host = options.secure ? '__Host-' : '';
  const securePrefix = options.secure ? '__Secure-' : '';
  const base = (path: string, maxAge: number | undefined, httpOnly: boolean): CookieAttributes => ({
    path,
    httpOnly,
    secure,
    sameSite,
    partitioned,
    ...(maxAge !== undefined ? { maxAge } : {}),
  });
  return {
    sessionName: `${host}${options.namePrefix}-session`,
    bindingName: `${securePrefix}${options.namePrefix}-login`,
    installationName: `${host}${options.namePrefix}-installation`,
    session: (maxAge) => base('/', maxAge, true),
    binding: (maxAge) => base(options.callbackPath, maxAge, true),
    installation: (maxAge) => base('/', maxAge, true),
  };
}
