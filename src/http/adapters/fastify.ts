import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from '../../config/types.ts';
import { runRoute, type KitRoutes, type RouteName } from '../routes.ts';
import type { AppRequest, AppResponse } from '../types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, set by the `requireSession` preHandler of appconnect. */
    appconnect: SessionUser | null;
  }
}

export type FastifyPreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function sendReply(reply: FastifyReply, appResponse: AppResponse): FastifyReply {
  reply.code(appResponse.status);
  for (const [name, value] of Object.entries(appResponse.headers)) reply.header(name, value);
  return reply.send(appResponse.body ?? '');
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * The Fastify plugin: registers the three AppConnect routes in their own encapsulated context, where a
 * catch-all content-type parser keeps the events body as raw bytes (so the app's own JSON parsing is
 * untouched) with the kit's body cap, and decorates `request.appconnect` for `requireSession`.
 */
export function createFastifyPlugin(routes: KitRoutes): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (fastify: FastifyInstance) => {
    if (!fastify.hasRequestDecorator('appconnect')) fastify.decorateRequest('appconnect', null);
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: routes.maxEventBodyBytes }, (_request, body, done) => done(null, body));
      for (const name of ['events', 'launch', 'callback'] as RouteName[]) {
        scope.route({
          method: [...METHODS],
          url: routes.paths[name],
          bodyLimit: routes.maxEventBodyBytes,
          handler: async (request, reply) => {
            const body = name === 'events' && request.body instanceof Uint8Array ? request.body : undefined;
            const appRequest: AppRequest = {
              method: request.method,
              url: request.url,
              headers: request.headers,
              ...(body ? { body } : {}),
              remoteAddress: request.ip,
            };
            return sendReply(reply, await runRoute(routes, name, appRequest));
          },
        });
      }
    });
  };
  // Like fastify-plugin: the request decoration is visible to the app's own routes.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

export { sendReply as sendFastifyReply };
