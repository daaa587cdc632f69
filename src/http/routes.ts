import type { Logger } from '../telemetry/types.ts';
import { jsonResponse } from './plain-responses.ts';
import type { AppRequest, AppResponse } from './types.ts';

export type RouteName = 'events' | 'launch' | 'callback';
export type Handler = (request: AppRequest) => Promise<AppResponse>;

/** What every adapter needs: the three handlers, their paths and the body cap of the events route. */
export interface KitRoutes {
  paths: Readonly<Record<RouteName, string>>;
  handlers: Readonly<Record<RouteName, Handler>>;
  maxEventBodyBytes: number;
  logger: Logger;
}

/** Which AppConnect route a request path is, if any (exact match, query ignored). */
export function matchRoute(routes: KitRoutes, url: string): RouteName | undefined {
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (pathname === routes.paths.events) return 'events';
  if (pathname === routes.paths.launch) return 'launch';
  if (pathname === routes.paths.callback) return 'callback';
  return undefined;
}

/** Runs a handler; an unexpected throw becomes a generic 500 (never a crash, never details). */
export async function runRoute(routes: KitRoutes, name: RouteName, request: AppRequest): Promise<AppResponse> {
  try {
    return await routes.handlers[name](request);
  } catch (error) {
    routes.logger.error({ route: name, error: error instanceof Error ? error.message : 'non-error thrown' }, 'appconnect: handler failed');
    return jsonResponse(500, { error: 'internal_error' });
  }
}
