import type { HeaderValue } from './types.ts';

/** Anything with request headers: node/Express/Fastify requests (a header record) or a fetch `Request`. */
export type SessionRequest = { headers: Headers | Readonly<Record<string, HeaderValue>> } | Request;

/** Something Set-Cookie headers can be added to: a node ServerResponse / Express response, or a fetch `Headers`. */
export type CookieSink = { getHeader(name: string): unknown; setHeader(name: string, value: string | string[]): unknown } | Headers;

export function headersOf(request: SessionRequest): Readonly<Record<string, HeaderValue>> {
  const headers = request.headers;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const out: Record<string, HeaderValue> = {};
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  return headers as Readonly<Record<string, HeaderValue>>;
}

/** Adds Set-Cookie values without dropping those already set. */
export function appendSetCookie(sink: CookieSink, cookies: readonly string[]): void {
  if (cookies.length === 0) return;
  if (typeof Headers !== 'undefined' && sink instanceof Headers) {
    for (const cookie of cookies) sink.append('set-cookie', cookie);
    return;
  }
  const node = sink as Exclude<CookieSink, Headers>;
  const existing = node.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  node.setHeader('set-cookie', [...list, ...cookies]);
}

/** Applies a whole header record (logout, requireSession answers). */
export function applyHeaders(sink: CookieSink, headers: Record<string, string | string[]>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'set-cookie') appendSetCookie(sink, Array.isArray(value) ? value : [value]);
    else if (typeof Headers !== 'undefined' && sink instanceof Headers) sink.set(name, Array.isArray(value) ? value.join(', ') : value);
    else (sink as Exclude<CookieSink, Headers>).setHeader(name, value);
  }
}
