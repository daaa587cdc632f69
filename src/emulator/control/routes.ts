import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HEX24, HEX32 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { sendEvent } from '../delivery/sender.ts';
import { faultInputSchema } from '../faults.ts';
import { mediaType, parseInput } from '../http/body.ts';
import { apiError, empty, json, redirect, ReplyError, type Reply } from '../http/reply.ts';
import type { RouteContext, Router } from '../http/router.ts';
import * as actions from './actions.ts';
import * as s from './schemas.ts';
import { accountView, deliveryView, installationView } from './views.ts';

const notFound = (what: string): never => {
  throw new ReplyError(apiError(404, 'not_found', `${what} not found`));
};

function idParam(ctx: RouteContext, name: string, pattern: RegExp, what: string): string {
  const value = ctx.params[name] ?? '';
  return pattern.test(value) ? value : notFound(what);
}

/** App Manager forms post here too: they get a 303 back to the page; a cross-site form post is refused. */
function isForm(req: IncomingMessage): boolean {
  return mediaType(req) === 'application/x-www-form-urlencoded';
}

function guardForm(core: EmulatorCore, req: IncomingMessage): void {
  if (!isForm(req)) return;
  // Browsers send `Origin: null` from pages with Referrer-Policy no-referrer (the App Manager's), so
  // Fetch Metadata decides when present; the Origin header otherwise.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new ReplyError(apiError(403, 'forbidden', 'cross-site form posts are refused'));
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== core.urls.origin) {
    throw new ReplyError(apiError(403, 'forbidden', 'cross-site form posts are refused'));
  }
}

type Action<S extends z.ZodType> = (input: z.infer<S>, ctx: RouteContext) => unknown;

/** A mutating control route: parse (JSON or form), act, answer JSON (201/200) or 303 for forms. */
function mutate<S extends z.ZodType>(core: EmulatorCore, schema: S, action: Action<S>, status = 200) {
  return async (ctx: RouteContext): Promise<Reply> => {
    guardForm(core, ctx.req);
    const input = parseInput(ctx.req, await ctx.body(), schema);
    const result = await action(input, ctx);
    if (isForm(ctx.req)) return redirect('/', 303);
    return json(status, result);
  };
}

export function registerControlRoutes(router: Router, core: EmulatorCore): void {
  const base = '/emulator/api';
  const inst = (ctx: RouteContext) => idParam(ctx, 'id', HEX32, 'installation');

  router.on('POST', `${base}/apps`, mutate(core, s.createAppSchema, (i) => actions.createApp(core, i), 201));
  router.on('GET', `${base}/apps`, () =>
    json(200, core.apps.list().map((a) => ({ app_id: a.id, app_version_id: a.version_id, name: a.name, version_name: a.version_name, events_url: a.events_url, standalone_url: a.standalone_url, redirect_url: a.redirect_url }))),
  );

  router.on('POST', `${base}/accounts`, mutate(core, s.createAccountSchema, (i) => actions.createAccount(core, i), 201));
  router.on('GET', `${base}/accounts`, () => json(200, core.accounts.list().map((a) => accountView(core, a.id))));
  router.on('GET', `${base}/accounts/:account_id`, (ctx) => json(200, accountView(core, idParam(ctx, 'account_id', HEX24, 'account')) ?? notFound('account')));
  router.on('POST', `${base}/accounts/:account_id/users`, mutate(core, s.addUserSchema, (i, ctx) => actions.addUser(core, idParam(ctx, 'account_id', HEX24, 'account'), i), 201));

  router.on('POST', `${base}/installations`, mutate(core, s.installSchema, (i) => actions.install(core, i), 201));
  router.on('GET', `${base}/installations`, () => json(200, core.installations.list().map((r) => installationView(core, r))));
  router.on('GET', `${base}/installations/:id`, (ctx) => {
    const row = core.installations.get(inst(ctx)) ?? notFound('installation');
    return json(200, installationView(core, row));
  });
  const uninstall = mutate(core, s.uninstallSchema, (i, ctx) => actions.uninstall(core, inst(ctx), i));
  router.on('DELETE', `${base}/installations/:id`, uninstall);
  router.on('POST', `${base}/installations/:id/uninstall`, uninstall);
  router.on('POST', `${base}/installations/:id/licenses`, mutate(core, s.licensesSchema, (i, ctx) => actions.changeLicenses(core, inst(ctx), i)));
  router.on('POST', `${base}/installations/:id/rotate-credentials`, mutate(core, s.rotateSchema, (i, ctx) => actions.rotateCredentials(core, inst(ctx), i)));
  router.on('POST', `${base}/installations/:id/trial`, mutate(core, s.trialSchema, (i, ctx) => actions.trial(core, inst(ctx), i)));

  router.on('POST', `${base}/users/:user_id/logout`, async (ctx) => {
    guardForm(core, ctx.req);
    const result = actions.logout(core, idParam(ctx, 'user_id', HEX24, 'user'));
    return isForm(ctx.req) ? redirect('/', 303) : json(200, result);
  });

  router.on('GET', `${base}/deliveries`, (ctx) => {
    const filter = ctx.url.searchParams.get('installation_id') ?? undefined;
    if (filter !== undefined && !HEX32.test(filter)) throw new ReplyError(apiError(400, 'invalid_request', 'installation_id must be 32 hex', [{ name: 'installation_id', description: 'expected 32 lowercase hex' }]));
    return json(200, core.events.list(filter).map((r) => deliveryView(core, r)));
  });
  router.on('GET', `${base}/events/:event_id`, (ctx) => {
    const row = core.events.get(idParam(ctx, 'event_id', HEX32, 'event')) ?? notFound('event');
    return json(200, deliveryView(core, row, true));
  });
  router.on('POST', `${base}/events/:event_id/redeliver`, async (ctx) => {
    guardForm(core, ctx.req);
    const row = core.events.get(idParam(ctx, 'event_id', HEX32, 'event')) ?? notFound('event');
    core.events.schedule(row.id, 'pending', core.clock.now(), 0);
    core.kick();
    return isForm(ctx.req) ? redirect('/', 303) : json(202, { event_id: row.id, status: 'pending' });
  });
  router.on('POST', `${base}/events/send`, mutate(core, s.sendEventSchema, async (i) => {
    const { app } = actions.subjectOf(core, i.installation_id);
    const body = typeof i.body === 'string' ? i.body : JSON.stringify(i.body);
    const r = await sendEvent(core, app.events_url, body, { signature: i.signature });
    return { ok: r.ok, status_code: r.statusCode, error: r.error, duration_ms: r.durationMs };
  }));

  router.on('POST', `${base}/deliveries/pause`, mutate(core, s.pauseSchema, (i) => {
    core.paused.add(i.installation_id ?? '*');
    return { paused: [...core.paused] };
  }));
  router.on('POST', `${base}/deliveries/release`, mutate(core, s.releaseSchema, (i) => {
    core.paused.delete(i.installation_id ?? '*');
    if (!i.installation_id) core.paused.clear();
    const held = core.events.held(i.installation_id);
    if (i.order === 'reverse') held.reverse();
    const now = core.clock.now();
    core.tx(() => held.forEach((row, index) => core.events.schedule(row.id, 'pending', now, 0, index)));
    core.kick();
    return { released: held.map((r) => r.id) };
  }));

  router.on('POST', `${base}/faults`, mutate(core, faultInputSchema, (i) => core.faults.add(i), 201));
  router.on('GET', `${base}/faults`, () => json(200, core.faults.list()));
  const clearFaults = async (ctx: RouteContext) => {
    guardForm(core, ctx.req);
    const cleared = core.faults.clear();
    return isForm(ctx.req) ? redirect('/', 303) : json(200, { cleared });
  };
  router.on('DELETE', `${base}/faults`, clearFaults);
  router.on('POST', `${base}/faults/clear`, clearFaults);

  router.on('GET', `${base}/clock`, () => json(200, { now: new Date(core.clock.now()).toISOString(), skew_seconds: core.clock.skewSeconds }));
  router.on('POST', `${base}/clock`, mutate(core, s.clockSchema, (i) => {
    core.clock.setSkewSeconds(i.skew_seconds);
    core.kick();
    return { now: new Date(core.clock.now()).toISOString(), skew_seconds: core.clock.skewSeconds };
  }));

  router.on('POST', `${base}/signing-keys/rotate`, async (ctx) => {
    guardForm(core, ctx.req);
    const key = core.keys.rotate('events', core.clock.now());
    return isForm(ctx.req) ? redirect('/', 303) : json(201, { key_id: key.id });
  });
  router.on('GET', `${base}/signing-keys`, () => json(200, core.keys.all('events').map((k) => ({ id: k.id, public_key: k.publicKeyBase64 }))));

  router.on('GET', `${base}/health`, () => empty(204));
}
