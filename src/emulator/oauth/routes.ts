import { SIGNATURE_KEY_ID } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { loginCookieFor } from '../control/launch.ts';
import { parseForm, mediaType } from '../http/body.ts';
import { apiError, html, json, redirect, type Reply } from '../http/reply.ts';
import type { RouteContext, Router } from '../http/router.ts';
import { errorPage } from '../pages/html.ts';
import { authorize } from './authorize.ts';
import { jwks } from './id-token.ts';
import { token } from './token.ts';
import { userById, userinfo } from './userinfo.ts';

/** POST /id/{account}/login: the login page's form; sets the login cookie and returns to authorize. */
async function loginSubmit(core: EmulatorCore, ctx: RouteContext): Promise<Reply> {
  const account = core.accounts.byName(ctx.params.account ?? '');
  if (!account) return html(404, errorPage('Unknown account', 'No Talkdesk account has this name.'));
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && origin !== core.urls.origin) return html(403, errorPage('Refused', 'Cross-site login posts are refused.'));
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') return html(415, errorPage('Bad request', 'Expected a form post.'));
  const form = parseForm(await ctx.body());
  const userId = typeof form.user_id === 'string' ? form.user_id : '';
  const returnTo = typeof form.return_to === 'string' ? form.return_to : '';
  const user = core.accounts.user(userId);
  if (!user || user.account_id !== account.id) return html(400, errorPage('Bad request', 'Pick a user of this account.'));
  // Only back to this account's authorize endpoint: never an open redirect.
  if (!returnTo.startsWith(`/id/${account.name}/oauth/authorize?`)) return html(400, errorPage('Bad request', 'Invalid return address.'));
  const setCookie = loginCookieFor(core, ctx, user.id);
  return redirect(returnTo, 303, setCookie ? { 'set-cookie': setCookie } : {});
}

export function registerOAuthRoutes(router: Router, core: EmulatorCore): void {
  router.on('GET', '/id/:account/oauth/authorize', (ctx) => authorize(core, ctx));
  router.on('POST', '/id/:account/login', (ctx) => loginSubmit(core, ctx));
  router.on('POST', '/id/:account/oauth/token', (ctx) => token(core, ctx));
  router.on('GET', '/id/:account/oauth/jwks', async (ctx) => {
    if (!core.accounts.byName(ctx.params.account ?? '')) return apiError(404, 'not_found', 'account not found');
    return json(200, await jwks(core));
  });
  router.on('GET', '/id/:account/.well-known/openid-configuration', (ctx) => {
    const account = core.accounts.byName(ctx.params.account ?? '');
    if (!account) return apiError(404, 'not_found', 'account not found');
    return json(200, {
      issuer: core.urls.issuer(account.name),
      authorization_endpoint: core.urls.authorize(account.name),
      token_endpoint: core.urls.token(account.name),
      userinfo_endpoint: core.urls.api('/users/me'),
      jwks_uri: core.urls.jwks(account.name),
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
    });
  });
  router.on('GET', '/api/users/me', (ctx) => userinfo(core, ctx));
  router.on('GET', '/api/users/:user_id', (ctx) => userById(core, ctx));
  router.on('GET', '/api/events/signature-keys/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const key = SIGNATURE_KEY_ID.test(id) ? core.keys.publicKey('events', id) : undefined;
    if (!key) return apiError(404, 'not_found', 'signature key not found');
    return json(200, { id, public_key: key }, { 'cache-control': 'public, max-age=3600' });
  });
}
