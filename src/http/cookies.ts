import type { HeaderValue } from './types.ts';

/** Attributes of a cookie the kit sets. */
export interface CookieAttributes {
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Lax' | 'Strict' | 'None';
  partitioned?: boolean;
  /** Seconds; omitted for a browser-session cookie; 0 deletes. */
  maxAge?: number;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
/** Cookie headers longer than this are ignored (no session, never an error). */
const MAX_COOKIE_HEADER = 16 * 1024;

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!COOKIE_VALUE.test(value)) throw new TypeError('invalid cookie value');
  const parts = [`${name}=${value}`, `Path=${attributes.path}`];
  if (attributes.maxAge !== undefined) {
    const seconds = Math.max(0, Math.floor(attributes.maxAge));
    parts.push(`Max-Age=${seconds}`);
    if (seconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push(`SameSite=${attributes.sameSite}`);
  if (attributes.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

/**
 * Every value sent for each cookie name (a name may legitimately appear more than once, e.g. when
 * an attacker planted a cookie for a parent domain; callers decide what a duplicate means).
 */
export function parseCookies(header: HeaderValue): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  const text = Array.isArray(header) ? header.join('; ') : (header as string | undefined);
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_COOKIE_HEADER) return cookies;
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!COOKIE_NAME.test(name)) continue;
    const list = cookies.get(name);
    if (list) list.push(value);
    else cookies.set(name, [value]);
  }
  return cookies;
}

/** The single value of a cookie; undefined when absent or sent more than once (ambiguous: refuse). */
export function singleCookie(cookies: Map<string, string[]>, name: string): string | undefined {
  const values = cookies.get(name);
  return values && values.length === 1 ? values[0] : undefined;
}
