import { createHash } from 'node:crypto';
import type { EmulatorCore } from '../core.ts';
import { currentLogin } from '../control/launch.ts';
import { html, redirect, type Reply } from '../http/reply.ts';
import type { RouteContext } from '../http/router.ts';
import { loginPage } from '../pages/login.ts';
import { randomToken, sha256Hex } from '../secrets.ts';
import { CredentialsRepo } from '../state/credentials.ts';
import { authorizeErrorPage, authorizeErrorRedirect } from './errors.ts';

/** Scopes a user may grant to an app at the authorization endpoint. */
export const USER_SCOPES = ['openid', 'refresh_token', 'profile', 'email'] as const;
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_PARAM = 2048;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** GET /id/{account}/oauth/authorize: Talkdesk ID's authorization endpoint (code flow, no click when logged in). */
export async function authorize(core: EmulatorCore, ctx: RouteContext): Promise<Reply> {
  const fault = await core.faults.apply('authorize');
  if (fault) return fault;
  const account = core.accounts.byName(ctx.params.account ?? '');
  if (!account) return authorizeErrorPage(404, 'invalid_request', 'No Talkdesk account has this name.');
  const q = ctx.url.searchParams;
  for (const key of new Set(q.keys())) {
    if (q.getAll(key).length > 1) return authorizeErrorPage(400, 'invalid_request', `Parameter ${key} is repeated.`);
    if ((q.get(key) ?? '').length > MAX_PARAM) return authorizeErrorPage(400, 'invalid_request', `Parameter ${key} is too long.`);
  }
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri');
  const credential = core.credentials.get(clientId);
  const installation = credential && core.installations.get(credential.installation_id);
  const live = installation && installation.account_id === account.id && installation.state !== 'uninstalled' && installation.state !== 'rejected';
  if (!credential || !installation || !live || !CredentialsRepo.usable(credential, core.clock.now())) {
    return authorizeErrorPage(400, 'unauthorized_client', 'Unknown or inactive client_id for this account.');
  }
  const app = core.apps.get(installation.app_id);
  if (!app || redirectUri === null || redirectUri !== app.redirect_url) {
    return authorizeErrorPage(400, 'invalid_request', 'redirect_uri is missing or does not match the redirect URL registered for the app.');
  }
  const state = q.get('state');
  const fail = (error: string, description: string) => authorizeErrorRedirect(redirectUri, error, description, state);
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const scopes = (q.get('scope') ?? 'openid').split(' ').filter(Boolean);
  if (scopes.length === 0 || scopes.some((s) => !(USER_SCOPES as readonly string[]).includes(s))) return fail('invalid_scope', `allowed scopes: ${USER_SCOPES.join(' ')}`);
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (challenge === null && method !== null) return fail('invalid_request', 'code_challenge_method without code_challenge');
  if (challenge !== null) {
    if ((method ?? 'plain') !== 'S256') return fail('invalid_request', 'only code_challenge_method=S256 is supported');
    if (!PKCE_VALUE.test(challenge)) return fail('invalid_request', 'malformed code_challenge');
  }

  const login = currentLogin(core, ctx);
  const user = login && core.accounts.user(login.user_id);
  if (!login || !user || user.account_id !== account.id) {
    return html(200, loginPage(account, core.accounts.users(account.id), ctx.url.pathname + ctx.url.search));
  }
  const code = randomToken(32);
  core.grants.insertCode({
    code_hash: sha256Hex(code),
    client_id: credential.client_id,
    installation_id: installation.id,
    user_id: user.id,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    scope: [...new Set(scopes)].join(' '),
    nonce: q.get('nonce'),
    sid: login.sid,
    expires_at: core.clock.now() + core.config.codeTtlSeconds * 1000,
    used_at: null,
  });
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  if (state !== null) target.searchParams.set('state', state);
  return redirect(target.href);
}
