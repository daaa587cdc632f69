import type { AddressInfo } from 'node:net';
import express from 'express';
import { auth } from 'express-openid-connect';
import { serveChild } from './ipc.ts';

/** Peer: Express + express-openid-connect (code flow, userinfo in afterCallback, default cookie session, back-channel logout). */
export interface EocConfig {
  port: number;
  issuer: string;
  userinfoUrl: string;
  clientId: string;
  clientSecret: string;
}

type Callback = (error?: unknown, value?: unknown) => void;

/** The back-channel logout store (express-session shaped, in memory). */
function memoryLogoutStore() {
  const entries = new Map<string, unknown>();
  return {
    get: (key: string, cb: Callback) => cb(undefined, entries.get(key)),
    set: (key: string, value: unknown, cb: Callback) => {
      entries.set(key, value);
      cb();
    },
    destroy: (key: string, cb: Callback) => {
      entries.delete(key);
      cb();
    },
  };
}

serveChild<EocConfig>(async (config) => {
  const app = express();
  app.use(
    auth({
      issuerBaseURL: config.issuer,
      baseURL: `http://127.0.0.1:${config.port}`,
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      clientAuthMethod: 'client_secret_basic',
      secret: 'bench-session-secret-0123456789abcdef0123456789',
      authRequired: false,
      idpLogout: false,
      authorizationParams: { response_type: 'code', response_mode: 'query', scope: 'openid profile email' },
      afterCallback: async (_req, _res, session) => {
        const response = await fetch(config.userinfoUrl, { headers: { authorization: `Bearer ${session.access_token}` } });
        if (!response.ok) throw new Error(`userinfo answered ${response.status}`);
        const userinfo = (await response.json()) as Record<string, unknown>;
        return { ...session, userinfo };
      },
      backchannelLogout: { store: memoryLogoutStore() as never },
    }),
  );
  app.get(['/', '/page'], (req, res) => {
    if (!req.oidc.isAuthenticated()) {
      res.status(401).type('text/plain').send('signed out');
      return;
    }
    res.set('cache-control', 'no-store').type('text/plain').send(`hello ${req.oidc.user?.sub as string}`);
  });
  const server = app.listen(config.port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.keepAliveTimeout = 60_000;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
});
