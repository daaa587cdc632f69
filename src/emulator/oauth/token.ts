import { newId32 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { mediaType, parseForm } from '../http/body.ts';
import { json, ReplyError, type Reply } from '../http/reply.ts';
import type { RouteContext } from '../http/router.ts';
import { randomToken, sha256Hex } from '../secrets.ts';
import type { AccountRow } from '../state/accounts.ts';
import type { TokenRow } from '../state/oauth-grants.ts';
import { s256 } from './authorize.ts';
import { authenticateClient, type AuthenticatedClient } from './client-auth.ts';
import { oauthError } from './errors.ts';
import { signIdToken } from './id-token.ts';

const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

const invalidGrant = (description: string): never => {
  throw new ReplyError(oauthError(400, 'invalid_grant', description));
};

interface Issue {
  client: AuthenticatedClient;
  userId: string | null;
  scope: string;
  sid: string | null;
  codeHash: string | null;
  family: string;
  refresh: boolean;
}

/** Stores a new access token (and refresh token) and returns the RFC 6749 5.1 response fields. */
function issueTokens(core: EmulatorCore, issue: Issue): Record<string, unknown> {
  const now = core.clock.now();
  const access = randomToken(32);
  const base: Omit<TokenRow, 'token_hash' | 'kind' | 'expires_at'> = {
    client_id: issue.client.credential.client_id,
    installation_id: issue.client.installation.id,
    user_id: issue.userId,
    scope: issue.scope,
    sid: issue.sid,
    code_hash: issue.codeHash,
    family: issue.family,
    revoked_at: null,
    created_at: now,
  };
  core.grants.insertToken({ ...base, token_hash: sha256Hex(access), kind: 'access', expires_at: now + core.config.accessTokenTtlSeconds * 1000 });
  const out: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: core.config.accessTokenTtlSeconds, scope: issue.scope };
  if (issue.refresh) {
    const refresh = randomToken(32);
    core.grants.insertToken({ ...base, token_hash: sha256Hex(refresh), kind: 'refresh', expires_at: now + core.config.refreshTokenTtlSeconds * 1000 });
    out.refresh_token = refresh;
  }
  if (issue.sid) out.sid = issue.sid;
  return out;
}

async function authorizationCode(core: EmulatorCore, form: Record<string, string>, client: AuthenticatedClient, account: AccountRow): Promise<Record<string, unknown>> {
  if (!form.code || form.redirect_uri === undefined) throw new ReplyError(oauthError(400, 'invalid_request', 'code and redirect_uri are required'));
  const codeHash = sha256Hex(form.code);
  const code = core.grants.code(codeHash);
  const now = core.clock.now();
  if (!code || code.client_id !== client.credential.client_id) return invalidGrant('unknown authorization code');
  if (code.used_at !== null) {
    core.grants.revokeFamily(codeHash, now);
    return invalidGrant('authorization code already used; the tokens it issued are revoked');
  }
  if (code.expires_at <= now) return invalidGrant('authorization code expired');
  if (form.redirect_uri !== code.redirect_uri) return invalidGrant('redirect_uri differs from the authorization request');
  if (code.code_challenge !== null) {
    if (!form.code_verifier || s256(form.code_verifier) !== code.code_challenge) return invalidGrant('code_verifier does not match code_challenge');
  } else if (form.code_verifier !== undefined) {
    return invalidGrant('code_verifier sent but no code_challenge was');
  }
  const user = core.accounts.user(code.user_id);
  if (!user) return invalidGrant('user no longer exists');
  const session = core.db.prepare('SELECT created_at FROM login_sessions WHERE sid = ?').get(code.sid) as { created_at: number } | undefined;
  const idToken = code.scope.split(' ').includes('openid')
    ? await signIdToken(core, { accountName: account.name, clientId: client.credential.client_id, userId: user.id, nonce: code.nonce, sid: code.sid, authTime: session?.created_at ?? now })
    : undefined;
  // The single UPDATE is the atomic consume; a concurrent second exchange loses and revokes.
  if (!core.grants.consumeCode(codeHash, now)) {
    core.grants.revokeFamily(codeHash, now);
    return invalidGrant('authorization code already used');
  }
  const out = core.tx(() => issueTokens(core, { client, userId: user.id, scope: code.scope, sid: code.sid, codeHash, family: codeHash, refresh: true }));
  if (idToken) out.id_token = idToken;
  return out;
}

function refreshToken(core: EmulatorCore, form: Record<string, string>, client: AuthenticatedClient): Record<string, unknown> {
  if (!form.refresh_token) throw new ReplyError(oauthError(400, 'invalid_request', 'refresh_token is required'));
  const hash = sha256Hex(form.refresh_token);
  const row = core.grants.token(hash);
  const now = core.clock.now();
  if (!row || row.kind !== 'refresh' || row.installation_id !== client.installation.id) return invalidGrant('unknown refresh token');
  if (row.revoked_at !== null) {
    core.grants.revokeFamily(row.family, now);
    return invalidGrant('refresh token revoked or already used');
  }
  if (row.expires_at <= now) return invalidGrant('refresh token expired');
  let scope = row.scope;
  if (form.scope !== undefined) {
    const asked = form.scope.split(' ').filter(Boolean);
    const granted = row.scope.split(' ');
    if (asked.length === 0 || asked.some((s) => !granted.includes(s))) throw new ReplyError(oauthError(400, 'invalid_scope', 'scope exceeds the original grant'));
    scope = asked.join(' ');
  }
  if (!core.grants.revokeToken(hash, now)) {
    core.grants.revokeFamily(row.family, now);
    return invalidGrant('refresh token already used');
  }
  return core.tx(() => issueTokens(core, { client, userId: row.user_id, scope, sid: row.sid, codeHash: row.code_hash, family: row.family, refresh: true }));
}

function clientCredentials(core: EmulatorCore, form: Record<string, string>, client: AuthenticatedClient): Record<string, unknown> {
  const granted = JSON.parse(client.installation.scopes) as string[];
  let scope = granted.join(' ');
  if (form.scope !== undefined) {
    const asked = form.scope.split(' ').filter(Boolean);
    if (asked.length === 0 || asked.some((s) => !granted.includes(s))) throw new ReplyError(oauthError(400, 'invalid_scope', `the installation grants: ${granted.join(' ')}`));
    scope = [...new Set(asked)].join(' ');
  }
  return issueTokens(core, { client, userId: null, scope, sid: null, codeHash: null, family: newId32(), refresh: false });
}

/** POST /id/{account}/oauth/token: authorization_code, refresh_token and client_credentials grants. */
export async function token(core: EmulatorCore, ctx: RouteContext): Promise<Reply> {
  const fault = await core.faults.apply('token');
  if (fault) return fault;
  const account = core.accounts.byName(ctx.params.account ?? '');
  if (!account) return oauthError(404, 'invalid_request', 'no Talkdesk account has this name');
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') return oauthError(400, 'invalid_request', 'send application/x-www-form-urlencoded');
  const fields = parseForm(await ctx.body());
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) return oauthError(400, 'invalid_request', `parameter ${k} is repeated`);
    form[k] = v;
  }
  if (!form.grant_type) return oauthError(400, 'invalid_request', 'grant_type is required');
  if (!(GRANTS as readonly string[]).includes(form.grant_type)) return oauthError(400, 'unsupported_grant_type', `supported: ${GRANTS.join(', ')}`);
  const tokenUrl = core.urls.token(account.name);
  const client = await authenticateClient(core, ctx.req, form, account, tokenUrl);
  let body: Record<string, unknown>;
  if (form.grant_type === 'authorization_code') {
    if (client.installation.state === 'uninstalled') throw new ReplyError(oauthError(400, 'unauthorized_client', 'installation is uninstalled'));
    body = await authorizationCode(core, form, client, account);
  } else if (form.grant_type === 'refresh_token') {
    if (client.installation.state === 'uninstalled') throw new ReplyError(oauthError(400, 'unauthorized_client', 'installation is uninstalled'));
    body = refreshToken(core, form, client);
  } else body = clientCredentials(core, form, client);
  return json(200, body, { pragma: 'no-cache' });
}
