import { z } from 'zod';
import { apiPaths, HEX32 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { startTrial, subjectOf } from '../control/actions.ts';
import { mediaType } from '../http/body.ts';
import { apiError, json, ReplyError, type Reply } from '../http/reply.ts';
import type { RouteContext, Router } from '../http/router.ts';
import { bearerToken, hasScope } from '../oauth/bearer.ts';
import type { InstallationRow } from '../state/installations.ts';
import type { TokenRow } from '../state/oauth-grants.ts';

/** The installation `/state` route answers `{error}` (as documented); the others `{code, message, fields}`. */
type ErrorStyle = 'state' | 'api';

function failure(style: ErrorStyle, status: number, code: string, message: string): never {
  throw new ReplyError(style === 'state' ? json(status, { error: message }) : apiError(status, code, message));
}

interface Authorized {
  token: TokenRow;
  installation: InstallationRow;
}

/** Bearer token of this installation with `scope`, and the app in the path owning the installation. */
async function authorizeCall(core: EmulatorCore, ctx: RouteContext, scope: string, style: ErrorStyle): Promise<Authorized> {
  const fault = await core.faults.apply('apps');
  if (fault) throw new ReplyError(fault);
  const found = bearerToken(core, ctx.req);
  if ('problem' in found) {
    const reply = style === 'state' ? json(401, { error: 'unauthorized' }) : apiError(401, 'unauthorized', 'missing, invalid or expired token');
    reply.headers['www-authenticate'] = 'Bearer realm="talkdesk-emulator"';
    throw new ReplyError(reply);
  }
  const appId = ctx.params.app_id ?? '';
  const installationId = ctx.params.installation_id ?? '';
  if (!HEX32.test(appId)) failure(style, 404, 'not_found', 'app not found');
  if (!hasScope(found.token, scope)) failure(style, 403, 'forbidden', `the token lacks the ${scope} scope`);
  const installation = core.installations.get(found.token.installation_id);
  if (!installation || installation.app_id !== appId) failure(style, 403, 'forbidden', 'the token does not belong to this app');
  if (installationId && installationId !== installation!.id) {
    if (!HEX32.test(installationId) || !core.installations.get(installationId)) failure(style, 404, 'not_found', 'installation not found');
    failure(style, 403, 'forbidden', 'the token does not belong to this installation');
  }
  return { token: found.token, installation: installation! };
}

async function jsonBody(ctx: RouteContext, style: ErrorStyle): Promise<unknown> {
  if (mediaType(ctx.req) !== 'application/json') failure(style, 415, 'unsupported_media_type', 'send application/json');
  try {
    return JSON.parse((await ctx.body()).toString('utf8')) as unknown;
  } catch {
    return failure(style, 400, 'invalid_request', 'body is not valid JSON');
  }
}

const stateBody = z.object({ state: z.enum(['approve', 'reject']), reason: z.string().max(2000).optional() });

function installationBody(core: EmulatorCore, row: InstallationRow) {
  const creator = row.created_by ? core.accounts.user(row.created_by) : undefined;
  const stateLink = core.urls.api(apiPaths.installationState(row.app_id, row.id));
  return {
    id: row.id,
    app_id: row.app_id,
    account_id: row.account_id,
    scopes: JSON.parse(row.scopes) as string[],
    auto_provision_filters: [{ filter: 'all', match: null }],
    created_at: new Date(row.created_at).toISOString(),
    _embedded: {
      ...(creator
        ? { created_by: { id: creator.id, email: creator.email, name: creator.name, active: true, created_at: new Date(creator.created_at).toISOString(), _links: { self: { href: core.urls.api(apiPaths.user(creator.id)) } } } }
        : {}),
      state: { state: row.state, reason: row.state_reason, updated_at: new Date(row.state_updated_at).toISOString(), _links: { self: { href: stateLink } } },
    },
    _links: { self: { href: core.urls.api(apiPaths.installation(row.app_id, row.id)) } },
  };
}

export function registerAppsApiRoutes(router: Router, core: EmulatorCore): void {
  const base = '/api/apps/:app_id';

  router.on('POST', `${base}/installations/:installation_id/state`, async (ctx): Promise<Reply> => {
    const { installation } = await authorizeCall(core, ctx, 'apps:write', 'state');
    const parsed = stateBody.safeParse(await jsonBody(ctx, 'state'));
    if (!parsed.success) failure('state', 400, 'invalid_request', 'state must be "approve" or "reject"');
    const { state, reason } = parsed.data!;
    const now = core.clock.now();
    const current = installation.state;
    let next = current;
    if (current === 'pending') next = state === 'approve' ? 'completed' : 'rejected';
    else if (current === 'uninstalled' && state === 'approve') next = 'uninstalled';
    else if (!(current === 'completed' && state === 'approve')) failure('state', 409, 'conflict', `installation is ${current}`);
    const updatedAt = core.tx(() => {
      if (current === 'pending') {
        core.installations.setState(installation.id, next, reason ?? null, now);
        if (next === 'completed' && installation.trial_on_approve && installation.trial_state === null) startTrial(core, subjectOf(core, installation.id));
        if (next === 'rejected') core.credentials.revokeAll(installation.id);
        return now;
      }
      // Acknowledging an uninstall ends the installation's credentials (DESIGN.md: ack through /state).
      if (current === 'uninstalled' && !installation.uninstall_acknowledged) {
        core.installations.setUninstallAcknowledged(installation.id);
        core.credentials.revokeAll(installation.id);
        core.grants.revokeByInstallation(installation.id, now);
      }
      return installation.state_updated_at;
    });
    core.kick();
    return json(200, { state: next, reason: reason ?? installation.state_reason, updated_at: new Date(updatedAt).toISOString(), _links: { self: { href: core.urls.api(apiPaths.installationState(installation.app_id, installation.id)) } } });
  });

  router.on('POST', `${base}/installations/:installation_id/credentials/:client_id/state`, async (ctx): Promise<Reply> => {
    const { installation } = await authorizeCall(core, ctx, 'apps:write', 'api');
    const parsed = z.object({ state: z.literal('acknowledged') }).safeParse(await jsonBody(ctx, 'api'));
    if (!parsed.success) throw new ReplyError(apiError(400, 'invalid_request', 'body must be {"state":"acknowledged"}', [{ name: 'state', description: 'allowed value: acknowledged' }]));
    const credential = core.credentials.get(ctx.params.client_id ?? '');
    if (!credential || credential.installation_id !== installation.id) throw new ReplyError(apiError(404, 'not_found', 'credentials not found'));
    if (credential.status !== 'current' || credential.acknowledged) throw new ReplyError(apiError(409, 'conflict', 'requested state conflicts with the current state of the target resource'));
    core.tx(() => core.credentials.acknowledge(credential.client_id));
    return json(202, {
      state: { state: 'acknowledged', client_id: credential.client_id, updated_at: new Date(core.clock.now()).toISOString() },
      _links: { self: { href: core.urls.api(apiPaths.credentialsState(installation.app_id, installation.id, credential.client_id)) } },
    });
  });

  router.on('GET', `${base}/installations/:installation_id`, async (ctx) => {
    const { installation } = await authorizeCall(core, ctx, 'apps:read', 'api');
    return json(200, installationBody(core, installation));
  });

  router.on('GET', `${base}/installations/:installation_id/users`, async (ctx) => {
    const { installation } = await authorizeCall(core, ctx, 'apps:read', 'api');
    const q = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1), per_page: z.coerce.number().int().min(1).max(100).default(50) })
      .safeParse(Object.fromEntries(ctx.url.searchParams));
    if (!q.success) throw new ReplyError(apiError(400, 'invalid_request', 'invalid paging', q.error.issues.map((i) => ({ name: i.path.join('.'), description: i.message }))));
    const { page, per_page } = q.data;
    const ids = core.installations.licensedUsers(installation.id);
    const slice = ids.slice((page - 1) * per_page, page * per_page);
    const totalPages = Math.max(1, Math.ceil(ids.length / per_page));
    const self = core.urls.api(apiPaths.installationUsers(installation.app_id, installation.id));
    const users = slice.map((id) => core.accounts.user(id)).filter((u) => u !== undefined).map((u) => ({
      id: u.id, email: u.email, name: u.name, active: true, created_at: new Date(u.created_at).toISOString(), _links: { self: { href: core.urls.api(apiPaths.user(u.id)) } },
    }));
    return json(200, {
      total: ids.length, count: users.length, page, per_page, total_pages: totalPages,
      _embedded: { users },
      _links: {
        self: { href: `${self}?page=${page}&per_page=${per_page}` },
        first: { href: `${self}?page=1&per_page=${per_page}` },
        last: { href: `${self}?page=${totalPages}&per_page=${per_page}` },
        ...(page < totalPages ? { next: { href: `${self}?page=${page + 1}&per_page=${per_page}` } } : {}),
      },
    });
  });

  router.on('GET', `${base}/events/:event_id`, async (ctx) => {
    const { installation } = await authorizeCall(core, ctx, 'events:read', 'api');
    const event = core.events.get(ctx.params.event_id ?? '');
    if (!event || event.installation_id !== installation.id || event.app_id !== installation.app_id) throw new ReplyError(apiError(404, 'not_found', 'event not found'));
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: event.body };
  });
}
