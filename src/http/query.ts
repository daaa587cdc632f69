/**
 * Strict reading of a request's query string: each parameter the kit uses must appear at most once
 * (RFC 6749 section 3.1), and over-long URLs are refused before any work.
 */
export interface ParsedQuery {
  pathname: string;
  params: URLSearchParams;
}

export const MAX_URL_LENGTH = 8 * 1024;

export function parseRequestUrl(url: string): ParsedQuery | undefined {
  if (url.length > MAX_URL_LENGTH) return undefined;
  try {
    const parsed = new URL(url, 'http://placeholder.invalid');
    return { pathname: parsed.pathname, params: parsed.searchParams };
  } catch {
    return undefined;
  }
}

export type SingleParam = { ok: true; value: string | undefined } | { ok: false; reason: 'repeated' | 'too_long' };

/** The single value of `name`, undefined when absent; refuses repeats and values over `maxLength`. */
export function singleParam(params: URLSearchParams, name: string, maxLength: number): SingleParam {
  const values = params.getAll(name);
  if (values.length > 1) return { ok: false, reason: 'repeated' };
  const value = values[0];
  if (value !== undefined && value.length > maxLength) return { ok: false, reason: 'too_long' };
  return { ok: true, value };
}

/** The lower-cased header value when sent once. */
export function headerValue(headers: Readonly<Record<string, string | readonly string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value as string | undefined;
}
