import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionUser } from '../../config/types.ts';
import { jsonResponse } from '../plain-responses.ts';
import { matchRoute, type KitRoutes } from '../routes.ts';
import { handleNodeRoute, sendNodeResponse, type NextFunction } from './node.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in user, set by appconnect's `requireSession`. */
      appconnect?: SessionUser;
    }
  }
}

/** The parts of an Express request the adapter reads (typed structurally: Express is not a dependency). */
type ExpressLikeRequest = IncomingMessage & { originalUrl?: string; rawBody?: unknown; _body?: unknown };

/**
 * Express middleware serving the three AppConnect paths (mount it with `app.use(...)`, anywhere). If a
 * body parser already consumed an events request, `req.rawBody` (a Buffer) is used when present;
 * otherwise the request fails with 500 (so Talkdesk retries) and an error log saying what to change.
 */
export function createExpressMiddleware(routes: KitRoutes): (request: IncomingMessage, response: ServerResponse, next: NextFunction) => void {
  return (req, response, next) => {
    const request = req as ExpressLikeRequest;
    const url = request.originalUrl ?? request.url ?? '/';
    const name = matchRoute(routes, url);
    if (!name) {
      next();
      return;
    }
    let preRead: Uint8Array | undefined;
    if (name === 'events' && request.method === 'POST' && (request.readableEnded || request._body === true)) {
      if (request.rawBody instanceof Uint8Array) {
        preRead = request.rawBody;
      } else {
        routes.logger.error({ path: url.split('?')[0] }, 'appconnect: a body parser consumed the events request before the kit could verify its raw bytes; mount appconnect.express() before express.json()/urlencoded(), or keep req.rawBody');
        sendNodeResponse(response, jsonResponse(500, { error: 'raw_body_unavailable' }));
        return;
      }
    }
    const original = request.url;
    request.url = url;
    handleNodeRoute(routes, name, request, response, preRead)
      .catch((error: unknown) => next(error))
      .finally(() => {
        request.url = original;
      });
  };
}
