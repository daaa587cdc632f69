import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAppConnectError } from '../../errors/index.ts';
import { jsonResponse } from '../plain-responses.ts';
import { readRawBody } from '../raw-body.ts';
import { matchRoute, runRoute, type KitRoutes, type RouteName } from '../routes.ts';
import type { AppRequest, AppResponse } from '../types.ts';

export type NextFunction = (error?: unknown) => void;
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: NextFunction) => void;

export function appRequestFromNode(request: IncomingMessage, body?: Uint8Array): AppRequest {
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    ...(body !== undefined ? { body } : {}),
    ...(request.socket?.remoteAddress ? { remoteAddress: request.socket.remoteAddress } : {}),
  };
}

/** Writes an AppResponse (several Set-Cookie headers kept apart). */
export function sendNodeResponse(response: ServerResponse, appResponse: AppResponse): void {
  for (const [name, value] of Object.entries(appResponse.headers)) response.setHeader(name, value);
  response.statusCode = appResponse.status;
  response.end(appResponse.body === undefined ? undefined : appResponse.body);
}

/** Reads the body of an events POST (capped); answers 413 and closes the connection when it is too large. */
export async function handleNodeRoute(
  routes: KitRoutes,
  name: RouteName,
  request: IncomingMessage,
  response: ServerResponse,
  preRead?: Uint8Array,
): Promise<void> {
  let body: Uint8Array | undefined = preRead;
  if (name === 'events' && body === undefined && request.method === 'POST') {
    try {
      body = await readRawBody(request, routes.maxEventBodyBytes);
    } catch (error) {
      const status = isAppConnectError(error) ? error.status : 400;
      response.setHeader('connection', 'close');
      response.on('finish', () => request.socket?.destroySoon?.());
      sendNodeResponse(response, jsonResponse(status, { error: status === 413 ? 'body_too_large' : 'bad_request' }));
      return;
    }
  }
  const appResponse = await runRoute(routes, name, appRequestFromNode(request, body));
  if (request.method === 'HEAD') appResponse.body = undefined;
  sendNodeResponse(response, appResponse);
}

/**
 * A node:http request listener (or Connect-style middleware) serving the three AppConnect paths and
 * passing every other request to `next` (404 when there is none).
 */
export function createNodeHandler(routes: KitRoutes): NodeHandler {
  return (request, response, next) => {
    const name = matchRoute(routes, request.url ?? '/');
    if (!name) {
      if (next) next();
      else sendNodeResponse(response, jsonResponse(404, { error: 'not_found' }));
      return;
    }
    handleNodeRoute(routes, name, request, response).catch((error: unknown) => {
      routes.logger.error({ error: (error as Error).message }, 'appconnect: could not answer a request');
      if (!response.headersSent) sendNodeResponse(response, jsonResponse(500, { error: 'internal_error' }));
      else response.destroy();
    });
  };
}
