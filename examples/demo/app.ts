import { createServer } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { createAppConnect, type AppConnect, type AppConnectOptions, type Logger } from '../../src/index.ts';
import type { SessionRecord } from '../../src/stores/types.ts';
import { homePage, signedOutPage, troubleshootingPage } from './pages.ts';

/**
 * The demo partner app: a small Fastify app built on the kit. AppConnect URLs at /appconnect/events,
 * /appconnect/launch and /appconnect/callback; `/` shows who is signed in; `/me` answers JSON;
 * `/troubleshooting` lists installations, sessions and SSO failures for support staff.
 */
export interface DemoAppOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Public origin (default `http://{host}:{port}`). */
  publicOrigin?: string;
  /** Folder of the SQLite database (appconnect.db) and the secret key file (default ./data/demo). */
  dataDir?: string;
  /** A store URL instead of SQLite in dataDir (e.g. postgres://...). */
  storeUrl?: string;
  /** The emulator's origin, allowed in event links (development only). */
  emulatorOrigin?: string;
  supportContact?: string;
  /** The app id registered in Talkdesk (events for other apps are refused). */
  appId?: string;
  /** Token required by /troubleshooting; without one, only loopback clients may open it. */
  adminToken?: string;
  logger?: Logger;
  /** Extra kit options (tests: session timings, verification...). */
  kit?: Partial<AppConnectOptions>;
}

export interface DemoApp {
  url: string;
  appConnect: AppConnect;
  server: FastifyInstance;
  close(): Promise<void>;
}

/** Finds a free port by binding port 0 once (the demo needs its origin before the routes are built). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function adminAllowed(request: FastifyRequest, adminToken: string | undefined): boolean {
  if (!adminToken) return isLoopback(request.socket.remoteAddress);
  const header = request.headers.authorization;
  const query = (request.query as Record<string, unknown>).token;
  const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : typeof query === 'string' ? query : '';
  return given.length > 0 && sameSecret(given, adminToken);
}

export async function startDemoApp(options: DemoAppOptions = {}): Promise<DemoApp> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const url = (options.publicOrigin ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const dataDir = options.dataDir ?? './data/demo';
  const appConnect = await createAppConnect({
    baseUrl: url,
    supportContact: options.supportContact ?? 'support@demo-partner.example',
    ...(options.storeUrl ? { store: options.storeUrl } : {}),
    dataDir,
    ...(options.appId ? { appId: options.appId } : {}),
    ...(options.emulatorOrigin ? { hostPolicy: { extraOrigins: [options.emulatorOrigin] } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.kit,
  });

  const server = Fastify({ logger: false });
  try {
    await server.register(formbody);
    await server.register(appConnect.fastify);

    server.get('/', async (request, reply) => {
      const user = await appConnect.getSession(request.raw, reply.raw);
      reply.headers(PAGE_HEADERS);
      if (!user) return reply.send(signedOutPage());
      const installation = await appConnect.store.installations.get(user.installationId);
      return reply.send(homePage(user, installation?.accountName));
    });

    server.get('/me', async (request, reply) => {
      const user = await appConnect.getSession(request.raw, reply.raw);
      reply.header('cache-control', 'no-store');
      if (!user) return reply.code(401).send({ error: 'signed_out', message: 'Open this app from Talkdesk to sign in.' });
      return reply.send({
        talkdesk_user_id: user.userId,
        installation_id: user.installationId,
        account_id: user.accountId,
        name: user.name ?? null,
        email: user.email ?? null,
      });
    });

    server.post('/logout', async (request, reply) => {
      await appConnect.logout(request.raw, reply.raw);
      return reply.redirect('/', 303);
    });

    server.get('/troubleshooting', async (request, reply) => {
      if (!adminAllowed(request, options.adminToken)) {
        return reply.code(403).headers(PAGE_HEADERS).send('<!doctype html><html lang="en"><title>Forbidden</title><h1>Forbidden</h1><p>The troubleshooting page needs the admin token.</p></html>');
      }
      const { store } = appConnect;
      const installations = await store.installations.list({ limit: 200 });
      const sessions = new Map<string, SessionRecord[]>();
      for (const installation of installations) {
        sessions.set(installation.installationId, await store.sessions.listByInstallation(installation.installationId, { limit: 500 }));
      }
      const failures = await store.failures.list({ limit: 50 });
      return reply.headers(PAGE_HEADERS).send(troubleshootingPage({ installations, sessions, failures, now: Date.now() }));
    });

    await server.listen({ port, host });
  } catch (err) {
    await server.close().catch(() => undefined);
    await appConnect.close();
    throw err;
  }

  return {
    url,
    appConnect,
    server,
    async close() {
      await server.close();
      await appConnect.close();
    },
  };
}
