import type { IncomingMessage } from 'node:http';
import { apiError, type Reply } from './reply.ts';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The request body, size-capped; read once on demand. */
  body(): Promise<Buffer>;
}

export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Minimal router: `/apps/:app_id/events/:id` style patterns, 404 and 405 answers. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const source = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-z_]+)/g, '(?<$1>[^/]+)');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), handler });
    return this;
  }

  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | { status: 404 | 405; allow?: string } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.groups ?? {})) {
          try {
            params[k] = decodeURIComponent(v);
          } catch {
            params[k] = v;
          }
        }
        return { handler: route.handler, params };
      }
      allowed.push(route.method);
    }
    return allowed.length ? { status: 405, allow: [...new Set(allowed)].join(', ') } : { status: 404 };
  }
}

export function notFound(): Reply {
  return apiError(404, 'not_found', 'no such route');
}
