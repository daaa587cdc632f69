import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type ProviderContext } from 'oidc-provider';
import { serveChild } from './ipc.ts';

/**
 * The peers' authorization server: oidc-provider auto-approving one fixed user (no login form),
 * back-channel logout on, client credentials on, loopback fetch allowed (benchmark only). Beside it,
 * a stub of the Talkdesk Apps API (state, installation, users) so that our kit can take an
 * installation whose links point here.
 */
export interface AuthzConfig {
  port: number;
  userId: string;
  clients: ClientMetadata[];
  /** The benchmark's event-signing key, served as Talkdesk's signature-keys endpoint. */
  signingKey?: { id: string; publicKey: string };
}

serveChild<AuthzConfig>(async (config) => {
  const issuer = `http://127.0.0.1:${config.port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, name: 'Bench User', email: 'bench@example.test' }),
    }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Consent is implied: every login gets (or reuses) a grant of the requested OIDC scopes.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const { client, session, provider: p } = ctx.oidc;
      const known = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (known) {
        const grant = await p.Grant.find(known);
        if (grant) return grant;
      }
      if (!session.accountId) return undefined;
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    // oidc-provider refuses to fetch special-use addresses; the benchmark's RPs live on loopback.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      delete options.dispatcher;
      return fetch(url, options);
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 86_400, Grant: 86_400, ClientCredentials: 600 },
  });
  const handle = provider.callback();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function appsApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    for await (const _ of req) void _;
    const key = /^\/api\/events\/signature-keys\/([0-9a-f]{32})$/.exec(url.pathname);
    if (key) {
      if (!config.signingKey || key[1] !== config.signingKey.id) return json(res, 404, { code: 'not_found' });
      return json(res, 200, { id: config.signingKey.id, public_key: config.signingKey.publicKey });
    }
    const m = /^\/api\/apps\/([0-9a-f]+)\/installations\/([0-9a-f]+)(\/state|\/users|\/credentials\/[^/]+\/state)?$/.exec(url.pathname);
    if (!m) return json(res, 404, { code: 'not_found' });
    const [, , installationId, tail] = m;
    if (tail === '/users') return json(res, 200, { _embedded: { users: [{ id: config.userId }] } });
    if (tail) return json(res, 200, { state: 'ok' });
    return json(res, 200, { id: installationId, scopes: ['openid'], _embedded: { state: { state: 'completed' } } });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname.startsWith('/api/')) {
      appsApi(req, res, url).catch(() => json(res, 500, {}));
      return;
    }
    if (url.pathname.startsWith('/interaction/')) {
      provider.interactionFinished(req, res, { login: { accountId: config.userId } }, { mergeWithLastSubmission: false }).catch((error: Error) => {
        res.statusCode = 500;
        res.end(error.message);
      });
      return;
    }
    if (url.pathname === '/bench/backchannel' && req.method === 'POST') {
      const clientId = url.searchParams.get('client_id') ?? '';
      const sub = url.searchParams.get('sub') ?? config.userId;
      void (async () => {
        const client = await provider.Client.find(clientId);
        if (!client) return json(res, 404, {});
        await client.backchannelLogout(sub);
        res.statusCode = 204;
        res.end();
      })().catch((error: Error) => json(res, 500, { error: error.message }));
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    info: { issuer },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
});
