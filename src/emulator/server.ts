import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core.ts';
import { readBody } from './http/body.ts';
import { apiError, empty, ReplyError, type Reply } from './http/reply.ts';
import { Router, type RouteContext } from './http/router.ts';
import { registerControlRoutes } from './control/routes.ts';
import { launch } from './control/launch.ts';
import { registerOAuthRoutes } from './oauth/routes.ts';
import { registerAppsApiRoutes } from './apps-api/routes.ts';
import { registerPages } from './pages/routes.ts';

export function buildRouter(core: EmulatorCore): Router {
  const router = new Router();
  registerPages(router, core);
  router.on('GET', '/emulator/launch', (ctx) => launch(core, ctx));
  registerControlRoutes(router, core);
  registerOAuthRoutes(router, core);
  registerAppsApiRoutes(router, core);
  return router;
}

function write(res: ServerResponse, reply: Reply, head: boolean): void {
  if (res.headersSent) return;
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(head ? undefined : reply.body);
}

/** The node:http request listener: route, run, write; never throws, never leaks internals. */
export function requestHandler(core: EmulatorCore, router: Router) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      let reply: Reply;
      try {
        let url: URL;
        try {
          url = new URL(req.url ?? '/', core.urls.origin);
        } catch {
          throw new ReplyError(apiError(400, 'invalid_request', 'malformed request target'));
        }
        const found = router.match(req.method ?? 'GET', url.pathname);
        if (!('handler' in found)) {
          reply = found.status === 405
            ? { ...apiError(405, 'method_not_allowed', 'method not allowed'), headers: { ...apiError(405, '', '').headers, allow: found.allow ?? '' } }
            : apiError(404, 'not_found', 'no such route');
        } else {
          let body: Promise<Buffer> | undefined;
          const ctx: RouteContext = {
            req,
            url,
            params: found.params,
            body: () => (body ??= readBody(req, core.config.maxBodyBytes)),
          };
          reply = await found.handler(ctx);
        }
      } catch (err) {
        if (err instanceof ReplyError) reply = err.reply;
        else {
          core.config.log(`internal error on ${req.method} ${(req.url ?? '').split('?')[0]}: ${err instanceof Error ? err.message : String(err)}`);
          reply = apiError(500, 'internal_error', 'the emulator failed to handle the request');
        }
      }
      if (reply.status === 413) reply.headers.connection = 'close';
      write(res, reply, req.method === 'HEAD');
    })().catch(() => {
      if (!res.headersSent) write(res, empty(500), false);
    });
  };
}
