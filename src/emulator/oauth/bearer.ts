import type { IncomingMessage } from 'node:http';
import type { EmulatorCore } from '../core.ts';
import { sha256Hex } from '../secrets.ts';
import type { TokenRow } from '../state/oauth-grants.ts';

/** The live access token presented as `Authorization: Bearer ...`, or why there is none. */
export function bearerToken(core: EmulatorCore, req: IncomingMessage): { token: TokenRow } | { problem: 'missing' | 'invalid' } {
  const header = req.headers.authorization;
  if (!header) return { problem: 'missing' };
  const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!m) return { problem: 'invalid' };
  const row = core.grants.token(sha256Hex(m[1]!));
  if (!row || row.kind !== 'access' || row.revoked_at !== null || row.expires_at <= core.clock.now()) return { problem: 'invalid' };
  return { token: row };
}

export function hasScope(token: TokenRow, scope: string): boolean {
  return token.scope.split(' ').includes(scope);
}
