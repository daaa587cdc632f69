/** What a route answers; the server writes it. Routes never touch the socket. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

const NO_STORE = { 'cache-control': 'no-store' };

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, page: string, headers: Record<string, string | string[]> = {}): Reply {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...NO_STORE,
      ...headers,
    },
    body: page,
  };
}

export function redirect(location: string, status = 302, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { location, 'referrer-policy': 'no-referrer', ...NO_STORE, ...headers }, body: '' };
}

export function empty(status: number, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { ...NO_STORE, ...headers }, body: '' };
}

/** Thrown by a route to end the request with this reply (no state has changed yet when thrown). */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** Talkdesk's usual API error body: `{code, message, description?, fields[]}`. */
export function apiError(status: number, code: string, message: string, fields: { name: string; description: string }[] = [], description?: string): Reply {
  return json(status, description === undefined ? { code, message, fields } : { code, message, description, fields });
}
