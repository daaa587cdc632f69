import { randomBytes } from 'node:crypto';
import { createSealer } from '../../src/crypto/index.ts';
import { appConnectEventSchema, type AppConnectEvent } from '../../src/protocol/events.ts';
import { generateKeyPairFor, type KeyAlgorithm } from '../../src/protocol/keys.ts';

export const APP_ID = 'f918e2623486417791f3b5a18ca746ce';
export const ACCOUNT_ID = '052c3763ee0745c68a1f65f25b0bf273';
export const ROOT = 'https://api.talkdeskapp.com';

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const iso = (ms: number) => new Date(ms).toISOString();

export function testSealer() {
  return createSealer([{ kid: 'k1', key: randomBytes(32) }]);
}

interface Base {
  installationId: string;
  at: number;
  id?: string;
  appId?: string;
  accountId?: string;
  root?: string;
}

function envelope<D extends Record<string, unknown>>(type: string, b: Base, data: D, links: Record<string, string>) {
  const id = b.id ?? hex(16);
  const appId = b.appId ?? APP_ID;
  const root = b.root ?? ROOT;
  const raw = {
    id,
    created_at: iso(b.at),
    api_version: '1',
    type,
    app_id: appId,
    app_version_id: '970d6643b6604a9d8ec77d470a3903cf',
    data: { installation_id: b.installationId, account_id: b.accountId ?? ACCOUNT_ID, ...data } as { installation_id: string; account_id: string } & D,
    _links: Object.fromEntries(
      Object.entries({ root, self: `${root}/apps/${appId}/events/${id}`, ...links }).map(([k, href]) => [k, { href }]),
    ),
  };
  return raw;
}

export function rawInstalled(b: Base & { alg?: KeyAlgorithm; clientId?: string; secret?: string; tokens?: string; authorization?: string; userinfo?: string }) {
  const keys = generateKeyPairFor(b.alg ?? 'ES256');
  const root = b.root ?? ROOT;
  return envelope(
    'app.installed',
    b,
    {
      account_name: 'starship',
      client_id: b.clientId ?? hex(16),
      client_secret: b.secret ?? `secret-${hex(8)}`,
      private_key: keys.privateKey,
      public_key: keys.publicKey,
      key_id: hex(16),
      key_algorithm: b.alg ?? 'ES256',
    },
    {
      userinfo: b.userinfo ?? `${root}/users/me`,
      authorization: b.authorization ?? 'https://starship.talkdeskid.com/oauth/authorize',
      tokens: b.tokens ?? 'https://starship.talkdeskid.com/oauth/token',
      installation: `${root}/apps/${b.appId ?? APP_ID}/installations/${b.installationId}`,
    },
  );
}

export function rawRotated(b: Base & { clientId?: string; secret?: string }) {
  const keys = generateKeyPairFor('PS256');
  return envelope('app.credentials_rotated', b, {
    account_name: 'starship',
    client_id: b.clientId ?? hex(16),
    client_secret: b.secret ?? `secret-${hex(8)}`,
    private_key: keys.privateKey,
    public_key: keys.publicKey,
    key_id: hex(16),
    key_algorithm: 'PS256',
  }, {});
}

export const rawUpdated = (b: Base & { adding?: string[]; removing?: string[] }) =>
  envelope('app.updated', b, { account_name: 'starship', users: { adding: b.adding ?? [], removing: b.removing ?? [] } }, {});
export const rawUninstalled = (b: Base) => envelope('app.uninstalled', b, { account_name: 'starship', reason: { type: 'other', message: 'bye' } }, {});
export const rawTrial = (b: Base & { kind: 'started' | 'extended' | 'ended'; expiresAt: number }) =>
  envelope(`app.trial_${b.kind}`, b, {
    expires_at: iso(b.expiresAt),
    ...(b.kind === 'ended' ? { ended_at: iso(b.at), ended_reason: 'trial_expired', ended_by: 'system' } : {}),
  }, {});
export const rawLogout = (b: Base & { userId: string }) =>
  envelope('user.logout', b, { user_id: b.userId, user_email: 'ann@example.com' }, { user: `${b.root ?? ROOT}/users/${b.userId}` });

export function parsed(raw: unknown): AppConnectEvent {
  return appConnectEventSchema.parse(raw);
}
