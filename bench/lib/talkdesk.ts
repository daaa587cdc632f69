import { generateKeyPairFor, newId24, newId32, encodeSigningPublicKey, generateSigningKey, signEventBody, SIGNATURE_HEADER, SIGNATURE_ID_HEADER } from '../../src/protocol/index.ts';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { exportJWK } from 'jose';
import { send, type Reply } from './browser.ts';

/**
 * The Talkdesk side of the runs on oidc-provider: the benchmark signs AppConnect events with its own
 * P-256 key (served by the authz child at /api/events/signature-keys/{id}) and posts them to the kit.
 */
export interface EventSigner {
  keyId: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function newSigner(): EventSigner {
  const { privateKey, publicKey } = generateSigningKey();
  return { keyId: newId32(), publicKey: encodeSigningPublicKey(publicKey), privateKey };
}

export interface FakeInstallation {
  appId: string;
  installationId: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  keyId: string;
  /** ES256 pair, Base64 PKCS#8 / SPKI DER as in app.installed. */
  privateKey: string;
  publicKey: string;
}

export function newInstallation(): FakeInstallation {
  const keys = generateKeyPairFor('ES256');
  return {
    appId: newId32(),
    installationId: newId32(),
    accountId: newId24(),
    clientId: newId32(),
    clientSecret: newId32() + newId32(),
    keyId: newId32(),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  };
}

/** The installation's public key as a JWK for the authorization server's client registration. */
export async function installationJwk(inst: FakeInstallation): Promise<Record<string, unknown>> {
  const jwk = await exportJWK(createPublicKey({ key: Buffer.from(inst.publicKey, 'base64'), format: 'der', type: 'spki' }));
  return { ...jwk, kid: inst.keyId, alg: 'ES256', use: 'sig' };
}

function envelope(inst: FakeInstallation, asOrigin: string, type: string) {
  const id = newId32();
  return {
    id,
    created_at: new Date().toISOString(),
    api_version: '1',
    type,
    app_id: inst.appId,
    links: {
      root: { href: `${asOrigin}/api` },
      self: { href: `${asOrigin}/api/apps/${inst.appId}/events/${id}` },
    },
  };
}

export function installedEvent(inst: FakeInstallation, asOrigin: string): string {
  const e = envelope(inst, asOrigin, 'app.installed');
  return JSON.stringify({
    id: e.id,
    created_at: e.created_at,
    api_version: e.api_version,
    type: e.type,
    app_id: e.app_id,
    app_version_id: newId32(),
    app_version_name: '1.0.0',
    data: {
      installation_id: inst.installationId,
      account_id: inst.accountId,
      account_name: 'bench',
      client_id: inst.clientId,
      client_secret: inst.clientSecret,
      private_key: inst.privateKey,
      public_key: inst.publicKey,
      key_id: inst.keyId,
      key_algorithm: 'ES256',
    },
    _links: {
      ...e.links,
      authorization: { href: `${asOrigin}/auth` },
      tokens: { href: `${asOrigin}/token` },
      userinfo: { href: `${asOrigin}/me` },
    },
  });
}

export function logoutEvent(inst: FakeInstallation, asOrigin: string, userId: string): string {
  const e = envelope(inst, asOrigin, 'user.logout');
  return JSON.stringify({
    id: e.id,
    created_at: e.created_at,
    api_version: e.api_version,
    type: e.type,
    app_id: e.app_id,
    data: { account_id: inst.accountId, user_id: userId, installation_id: inst.installationId },
    _links: e.links,
  });
}

export interface SignedEvent {
  body: string;
  headers: Record<string, string>;
}

export function sign(signer: EventSigner, body: string): SignedEvent {
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signEventBody(Buffer.from(body), signer.privateKey),
      [SIGNATURE_ID_HEADER]: signer.keyId,
    },
  };
}

export function postEvent(eventsUrl: string, event: SignedEvent): Promise<Reply> {
  return send(eventsUrl, { method: 'POST', headers: event.headers, body: event.body });
}
