import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import type { AppConnect, RequestWithSession } from '../../src/index.ts';

export type AdapterName = 'node' | 'express' | 'express-json-first' | 'fastify' | 'fetch';

/**
 * The same small app on each adapter: the three AppConnect paths, `/logout`, and every other path
 * behind requireSession answering `{ path, user }` as JSON.
 */
export async function attachAdapter(adapter: AdapterName, kit: AppConnect, server: Server): Promise<void> {
  if (adapter === 'node') {
    const handler = kit.node();
    server.on('request', (req, res) => handler(req, res, () => protectedNode(kit, req, res)));
    return;
  }
  if (adapter === 'express' || adapter === 'express-json-first') {
    const app = express();
    if (adapter === 'express-json-first') app.use(express.json({ type: '*/*' }));
    app.use(kit.express());
    app.get('/logout', async (req, res) => {
      await kit.logout(req, res);
      res.send('bye');
    });
    app.use(kit.requireSession);
    app.use((req, res) => {
      res.json({ path: req.originalUrl, user: (req as unknown as RequestWithSession).appconnect });
    });
    server.on('request', app);
    return;
  }
  if (adapter === 'fastify') {
    const app = Fastify({ serverFactory: (handler) => (server.on('request', handler), server) });
    await app.register(kit.fastify);
    app.get('/logout', async (request, reply) => {
      await kit.logout(request, reply.raw);
      return 'bye';
    });
    app.get('/*', { preHandler: kit.fastifyRequireSession }, async (request) => ({ path: request.url, user: request.appconnect }));
    await app.ready();
    return;
  }
  const handle = kit.fetch(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === '/logout') {
      const headers = new Headers();
      await kit.logout(request, headers);
      return new Response('bye', { headers });
    }
    const check = await kit.checkSession(request);
    const headers = new Headers({ 'content-type': 'application/json' });
    for (const cookie of check.setCookie) headers.append('set-cookie', cookie);
    if (!check.user) {
      if (check.lastInstallationId && request.headers.get('accept')?.includes('text/html')) {
        headers.set('location', `/appconnect/launch?talkdesk_installation_id=${check.lastInstallationId}&return_to=${encodeURIComponent(url.pathname + url.search)}`);
        return new Response(null, { status: 302, headers });
      }
      return new Response('{"error":"session_missing"}', { status: 401, headers });
    }
    return new Response(JSON.stringify({ path: url.pathname + url.search, user: check.user }), { headers });
  });
  server.on('request', (req, res) => void bridgeFetch(handle, req, res));
}

function protectedNode(kit: AppConnect, req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/logout') {
    void kit.logout(req, res).then(() => res.end('bye'));
    return;
  }
  kit.requireSession(req, res, (error?: unknown) => {
    if (error) {
      res.statusCode = 500;
      res.end('error');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, user: (req as RequestWithSession).appconnect }));
  });
}

/** node:http -> fetch Request -> Response -> node:http, as a fetch-style runtime would do. */
async function bridgeFetch(handle: (request: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: req as unknown as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await handle(request);
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}
