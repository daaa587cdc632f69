import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSealer } from '../crypto/index.ts';
import { validateOptions } from '../config/validate.ts';
import { resolveConfig } from '../config/resolve.ts';
import { loadConfiguredKeys, openConfiguredStore } from '../config/open-store.ts';
import type { AppConnectOptions } from '../config/types.ts';
import { createCookiePolicy } from '../sessions/cookie-policy.ts';
import { createSessionManager } from '../sessions/session-manager.ts';
import { decideRequireSession } from '../sessions/require-session.ts';
import { createLaunchHandler } from '../sso/launch.ts';
import { createCallbackHandler } from '../sso/callback.ts';
import { createCompleteLogin } from '../sso/complete-login.ts';
import { createTalkdeskClient } from '../talkdesk/index.ts';
import { defaultLogger } from './default-logger.ts';
import { createFailureResponder } from './failures.ts';
import { matchRoute, runRoute, type KitRoutes } from './routes.ts';
import { createNodeHandler, sendNodeResponse, type NextFunction } from './adapters/node.ts';
import { createExpressMiddleware } from './adapters/express.ts';
import { createFastifyPlugin, sendFastifyReply, type FastifyPreHandler } from './adapters/fastify.ts';
import { createFetchHandler } from './adapters/fetch.ts';
import { appendSetCookie, applyHeaders, headersOf, type CookieSink, type SessionRequest } from './session-request.ts';
import { securityHeaders } from './security-headers.ts';
import { createEventsWiring } from './events-wiring.ts';
import { createHousekeeper } from '../housekeeping/housekeeper.ts';
import type { AppConnect, RequestWithSession } from './app-connect-types.ts';

/**
 * Creates the kit: the three AppConnect handlers, sessions and the adapters. Throws
 * APPCONNECT_CONFIG_INVALID (listing every bad option) or APPCONNECT_SECRET_KEY_INVALID at start-up,
 * never later.
 */
export async function createAppConnect(options: AppConnectOptions): Promise<AppConnect> {
  validateOptions(options);
  const config = resolveConfig(options);
  const logger = options.logger ?? defaultLogger();
  const opened = await openConfiguredStore(options);
  const { store } = opened;
  try {
    const sealer = createSealer(loadConfiguredKeys(options, opened.ephemeral));
    const talkdesk = createTalkdeskClient({ hostPolicy: config.hostPolicy, timeoutMs: config.outboundTimeoutMs, clock: config.clock });
    const cookies = createCookiePolicy({ secure: config.secureCookies, sameSite: config.sameSite, namePrefix: config.namePrefix, callbackPath: config.paths.callback });
    const fail = createFailureResponder({
      store,
      supportContact: config.supportContact,
      frameAncestors: config.frameAncestors,
      pages: config.pages,
      ...(options.onError ? { onError: options.onError } : {}),
      logger,
      clock: config.clock,
      maxRecordsPerMinute: config.maxFailureRecordsPerMinute,
    });
    const sessions = await createSessionManager({
      store,
      cookies,
      idleTimeoutMs: config.idleTimeoutMs,
      absoluteTimeoutMs: config.absoluteTimeoutMs,
      touchIntervalMs: config.touchIntervalMs,
      cacheTtlMs: config.cacheTtlMs,
      clock: config.clock,
      logger,
    });
    const completeLogin = createCompleteLogin({ config, store, sealer, talkdesk, sessions, fail, resolveUser: options.resolveUser, onLogin: options.onLogin, logger });
    const launch = createLaunchHandler({ config, store, sealer, cookies, fail });
    const callback = createCallbackHandler({ config, store, cookies, sessions, fail, completeLogin });
    const events = createEventsWiring({ options, config, store, sealer, talkdesk, logger });
    if (options.startOutboxWorker ?? true) events.worker.start();
    // Without an event age limit, event ids are the only replay guard: then they are never purged.
    const keepEventIds = options.verification?.maxEventAgeMs === 0 && options.retention?.eventsMs === undefined;
    const retention = { ...options.retention, ...(keepEventIds ? { eventsMs: Number.POSITIVE_INFINITY } : {}) };
    const housekeeping = createHousekeeper({ store, logger, clock: config.clock, retention });
    if (options.startHousekeeping ?? true) housekeeping.start();

    const routes: KitRoutes = { paths: config.paths, handlers: { events: events.handler, launch, callback }, maxEventBodyBytes: config.maxEventBodyBytes, logger };
    const requireContext = { launchPath: config.paths.launch, supportContact: config.supportContact, frameAncestors: config.frameAncestors, pages: config.pages };
    const fastifyPlugin = createFastifyPlugin(routes);

    const requireSession = (request: IncomingMessage, response: ServerResponse, next: NextFunction): void => {
      const url = (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '/';
      sessions
        .check(request.headers)
        .then((check) => {
          const accept = request.headers.accept;
          const outcome = decideRequireSession(check, { method: request.method ?? 'GET', url, ...(accept ? { accept } : {}) }, requireContext);
          if ('user' in outcome) {
            (request as RequestWithSession).appconnect = outcome.user;
            response.setHeader('cache-control', 'no-store');
            appendSetCookie(response, outcome.setCookie);
            next();
          } else {
            sendNodeResponse(response, outcome.response);
          }
        })
        .catch((error: unknown) => next(error));
    };

    const fastifyRequireSession: FastifyPreHandler = async (request, reply) => {
      const check = await sessions.check(request.headers);
      const accept = request.headers.accept;
      const outcome = decideRequireSession(check, { method: request.method, url: request.url, ...(accept ? { accept } : {}) }, requireContext);
      if ('user' in outcome) {
        request.appconnect = outcome.user;
        reply.header('cache-control', 'no-store');
        if (outcome.setCookie.length > 0) reply.header('set-cookie', outcome.setCookie);
        return;
      }
      await sendFastifyReply(reply, outcome.response);
    };

    let closed = false;
    return {
      handlers: routes.handlers,
      async handle(request) {
        const name = matchRoute(routes, request.url);
        return name ? runRoute(routes, name, request) : undefined;
      },
      async getSession(request: SessionRequest, response?: CookieSink) {
        const check = await sessions.check(headersOf(request));
        if (response) appendSetCookie(response, check.setCookie);
        return check.user;
      },
      checkSession: (request) => sessions.check(headersOf(request)),
      requireSession,
      fastifyRequireSession,
      async logout(request, response) {
        const result = await sessions.logout(headersOf(request));
        const headers: Record<string, string | string[]> = {
          'cache-control': securityHeaders(config.frameAncestors)['cache-control']!,
          'clear-site-data': '"cache", "storage"',
          'set-cookie': result.setCookie,
        };
        if (response) applyHeaders(response, headers);
        return { ended: result.ended, headers };
      },
      node: () => createNodeHandler(routes),
      express: () => createExpressMiddleware(routes),
      fastify: fastifyPlugin,
      fetch: (fallback) => createFetchHandler(routes, fallback),
      outboxWorker: events.worker,
      housekeeping,
      store,
      async close() {
        if (closed) return;
        closed = true;
        await events.worker.stop();
        await housekeeping.stop();
        await sessions.close();
        if (opened.owned) await store.close();
      },
    };
  } catch (error) {
    if (opened.owned) await store.close().catch(() => undefined);
    throw error;
  }
}
