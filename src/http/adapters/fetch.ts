import { isAppConnectError } from '../../errors/index.ts';
import { jsonResponse } from '../plain-responses.ts';
import { readFetchBody } from '../raw-body.ts';
import { matchRoute, runRoute, type KitRoutes } from '../routes.ts';
import type { AppRequest, AppResponse, HeaderValue } from '../types.ts';

export type FetchHandler = (request: Request) => Promise<Response>;

export function headersToRecord(headers: Headers): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

export function toFetchResponse(appResponse: AppResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(appResponse.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value as string);
  }
  const nullBody = appResponse.status === 204 || appResponse.status === 304 || appResponse.body === undefined;
  return new Response(nullBody ? null : (appResponse.body as string | Uint8Array<ArrayBuffer>), { status: appResponse.status, headers });
}

/**
 * A fetch-style handler `(Request) => Promise<Response>` (Hono, Bun, Deno, Next.js route handlers,
 * Cloudflare-style runtimes). Requests for other paths go to `fallback` (404 by default).
 */
export function createFetchHandler(routes: KitRoutes, fallback?: FetchHandler): FetchHandler {
  return async (request) => {
    const url = new URL(request.url);
    const pathAndQuery = url.pathname + url.search;
    const name = matchRoute(routes, pathAndQuery);
    if (!name) return fallback ? fallback(request) : toFetchResponse(jsonResponse(404, { error: 'not_found' }));
    let body: Uint8Array | undefined;
    if (name === 'events' && request.method === 'POST') {
      try {
        body = await readFetchBody(request, routes.maxEventBodyBytes);
      } catch (error) {
        const status = isAppConnectError(error) ? error.status : 400;
        return toFetchResponse(jsonResponse(status, { error: status === 413 ? 'body_too_large' : 'bad_request' }));
      }
    }
    const appRequest: AppRequest = {
      method: request.method,
      url: pathAndQuery,
      headers: headersToRecord(request.headers),
      ...(body !== undefined ? { body } : {}),
    };
    const appResponse = await runRoute(routes, name, appRequest);
    if (request.method === 'HEAD') appResponse.body = undefined;
    return toFetchResponse(appResponse);
  };
}
