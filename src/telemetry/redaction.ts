/**
 * Field names whose values are secrets wherever they appear in a log entry (up to four levels deep).
 * `code` and `state` are redacted only inside request containers (query, body, params, form), because
 * at other places they are the kit's error codes and installation states.
 */
export const SECRET_FIELD_NAMES = [
  'client_secret', 'clientSecret', 'private_key', 'privateKey', 'access_token', 'accessToken', 'refresh_token', 'refreshToken',
  'id_token', 'idToken', 'code_verifier', 'codeVerifier', 'client_assertion', 'clientAssertion', 'assertion',
  'authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Cookie', 'set-cookie', 'Set-Cookie',
  'sessionId', 'session_id', 'password', 'secret', 'secretKey', 'APPCONNECT_SECRET_KEY', 'token', 'bindingValue',
] as const;

/** Names that are secret only inside request containers. */
export const REQUEST_SECRET_FIELD_NAMES = ['code', 'state', 'session_state'] as const;
const REQUEST_CONTAINERS = ['query', 'body', 'params', 'form', 'searchParams'] as const;

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `["${name}"]`;
}

function atDepths(name: string, maxDepth: number): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= maxDepth; depth++) paths.push(`${'*.'.repeat(depth)}${key(name).replace(/^\./, '')}`.replace('*.[', '*['));
  return paths;
}

/** Every pino `redact` path the kit's logger uses. */
export function redactPaths(): string[] {
  const paths = SECRET_FIELD_NAMES.flatMap((name) => atDepths(name, 3));
  for (const container of REQUEST_CONTAINERS) {
    for (const name of REQUEST_SECRET_FIELD_NAMES) {
      paths.push(`${container}${key(name)}`, `*.${container}${key(name)}`, `*.*.${container}${key(name)}`);
    }
  }
  return [...new Set(paths)];
}

/** Drops the values of a URL's query parameters (code, state, tokens) but keeps their names. */
export function stripQueryValues(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  const index = url.indexOf('?');
  if (index < 0) return url;
  const names = url.slice(index + 1).split('#')[0]!.split('&').filter(Boolean).map((pair) => pair.split('=')[0]);
  return `${url.slice(0, index)}?${names.map((n) => `${n}=[redacted]`).join('&')}`;
}
