import { apiPaths, HEX24 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { apiError, json, type Reply } from '../http/reply.ts';
import type { RouteContext } from '../http/router.ts';
import { bearerToken, hasScope } from './bearer.ts';

function unauthorized(problem: 'missing' | 'invalid'): Reply {
  const reply = apiError(401, 'unauthorized', problem === 'missing' ? 'missing bearer token' : 'invalid or expired token');
  reply.headers['www-authenticate'] = problem === 'missing' ? 'Bearer realm="talkdesk-emulator"' : 'Bearer realm="talkdesk-emulator", error="invalid_token"';
  return reply;
}

/** GET {root}/users/me: OpenID Connect userinfo of the token's user. */
export async function userinfo(core: EmulatorCore, ctx: RouteContext): Promise<Reply> {
  const fault = await core.faults.apply('userinfo');
  if (fault) return fault;
  const found = bearerToken(core, ctx.req);
  if ('problem' in found) return unauthorized(found.problem);
  if (found.token.user_id === null) return apiError(400, 'no_user_context', 'the token has no user (client credentials grant)');
  if (!hasScope(found.token, 'openid')) return apiError(403, 'insufficient_scope', 'the token lacks the openid scope');
  const user = core.accounts.user(found.token.user_id);
  if (!user) return unauthorized('invalid');
  return json(200, { sub: user.id, id: user.id, name: user.name, email: user.email, _links: { self: { href: core.urls.api(apiPaths.user(user.id)) } } });
}

/** GET {root}/users/{id}: a user of the token's account (scope users:read). */
export function userById(core: EmulatorCore, ctx: RouteContext): Reply {
  const found = bearerToken(core, ctx.req);
  if ('problem' in found) return unauthorized(found.problem);
  if (!hasScope(found.token, 'users:read')) return apiError(403, 'forbidden', 'the token lacks the users:read scope');
  const id = ctx.params.user_id ?? '';
  const installation = core.installations.get(found.token.installation_id);
  const user = HEX24.test(id) ? core.accounts.user(id) : undefined;
  if (!user || !installation || user.account_id !== installation.account_id) return apiError(404, 'not_found', 'user not found');
  return json(200, {
    id: user.id,
    email: user.email,
    name: user.name,
    active: true,
    created_at: new Date(user.created_at).toISOString(),
    _links: { self: { href: core.urls.api(apiPaths.user(user.id)) } },
  });
}
