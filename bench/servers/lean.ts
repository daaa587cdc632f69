import { createServer, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { serveChild } from './ipc.ts';

/** Peer: a lean relying party on openid-client 6 over node:http, server-side sessions in a Map. */
export interface LeanConfig {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

interface Pending {
  state: string;
  verifier: string;
  nonce: string;
}
interface Session {
  sub: string;
  name?: string;
  expiresAt: number;
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

serveChild<LeanConfig>(async (config) => {
  const base = `http://127.0.0.1:${config.port}`;
  const redirectUri = `${base}/callback`;
  const as = await oidc.discovery(new URL(config.issuer), config.clientId, undefined, oidc.ClientSecretBasic(config.clientSecret), {
    execute: [oidc.allowInsecureRequests],
  });
  const pending = new Map<string, Pending>();
  const sessions = new Map<string, Session>();

  const redirect = (res: ServerResponse, location: string, setCookie: string) => {
    res.writeHead(302, { location, 'set-cookie': setCookie, 'cache-control': 'no-store' });
    res.end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    void (async () => {
      if (url.pathname === '/login') {
        const p: Pending = { state: oidc.randomState(), verifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce() };
        const id = randomBytes(32).toString('base64url');
        pending.set(id, p);
        const target = oidc.buildAuthorizationUrl(as, {
          redirect_uri: redirectUri,
          scope: 'openid profile email',
          code_challenge: await oidc.calculatePKCECodeChallenge(p.verifier),
          code_challenge_method: 'S256',
          state: p.state,
          nonce: p.nonce,
        });
        return redirect(res, target.href, `lean_tx=${id}; Path=/callback; HttpOnly; SameSite=Lax; Max-Age=600`);
      }
      if (url.pathname === '/callback') {
        const id = cookie(req.headers.cookie, 'lean_tx');
        const p = id ? pending.get(id) : undefined;
        if (!id || !p) {
          res.writeHead(400).end('no login in progress');
          return;
        }
        pending.delete(id);
        const tokens = await oidc.authorizationCodeGrant(as, url, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true });
        const claims = tokens.claims()!;
        const userinfo = await oidc.fetchUserInfo(as, tokens.access_token, claims.sub);
        const sid = randomBytes(32).toString('base64url');
        sessions.set(sid, { sub: userinfo.sub, ...(userinfo.name ? { name: userinfo.name } : {}), expiresAt: Date.now() + 3_600_000 });
        return redirect(res, '/', `lean_sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
      }
      const sid = cookie(req.headers.cookie, 'lean_sid');
      const session = sid ? sessions.get(sid) : undefined;
      if (!session || session.expiresAt < Date.now()) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('signed out');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(`hello ${session.sub}`);
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500).end(error.message);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handlers: {
      seed: (count) => {
        for (let i = 0; i < Number(count); i++) sessions.set(randomBytes(32).toString('base64url'), { sub: i.toString(16).padStart(24, 'a'), name: 'Seeded user', expiresAt: Date.now() + 3_600_000 });
        return sessions.size;
      },
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
});
