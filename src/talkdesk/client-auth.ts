import { createHash, KeyObject } from 'node:crypto';
import { importPKCS8 } from 'jose';
import * as oauth from 'oauth4webapi';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { keyFitsAlgorithm, privateKeyFromBase64, type KeyAlgorithm } from '../protocol/keys.ts';
import type { Clock, OAuthClientMaterial, TokenAuthMethod } from './types.ts';

/** Lifetime of the private_key_jwt assertion, as in Talkdesk's samples. */
export const ASSERTION_LIFETIME_SECONDS = 300;

function authFailed(message: string, cause?: unknown): AppConnectError {
  return new AppConnectError(ErrorCode.ClientAuthFailed, message, { status: 500, cause });
}

export function authMethodOf(client: OAuthClientMaterial): TokenAuthMethod {
  return client.authMethod ?? (client.privateKey !== undefined ? 'private_key_jwt' : 'client_secret_basic');
}

function toKeyObject(privateKey: KeyObject | string): KeyObject {
  if (privateKey instanceof KeyObject) return privateKey;
  try {
    return privateKeyFromBase64(privateKey);
  } catch (error) {
    // never include the key text
    throw authFailed('the installation private key is not Base64 PKCS#8', error instanceof Error ? error.name : undefined);
  }
}

/**
 * Imported signing keys, so a login does not parse and import the installation key each time. Keyed by
 * a hash of the key (a rotation gives a new entry); values are non-extractable CryptoKeys; bounded.
 */
const SIGNING_KEY_CACHE_SIZE = 1000;
const signingKeys = new Map<string, Promise<oauth.CryptoKey>>();

function importSigningKey(privateKey: KeyObject | string, alg: KeyAlgorithm): Promise<oauth.CryptoKey> {
  if (typeof privateKey !== 'string') return importUncached(privateKey, alg);
  const cacheKey = `${alg}:${createHash('sha256').update(privateKey).digest('base64url')}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) {
    // Most recently used last, so the oldest entry is evicted first.
    signingKeys.delete(cacheKey);
    signingKeys.set(cacheKey, cached);
    return cached;
  }
  const imported = importUncached(privateKey, alg);
  signingKeys.set(cacheKey, imported);
  imported.catch(() => signingKeys.delete(cacheKey));
  if (signingKeys.size > SIGNING_KEY_CACHE_SIZE) signingKeys.delete(signingKeys.keys().next().value!);
  return imported;
}

async function importUncached(privateKey: KeyObject | string, alg: KeyAlgorithm): Promise<oauth.CryptoKey> {
  const keyObject = toKeyObject(privateKey);
  if (keyObject.type !== 'private' || !keyFitsAlgorithm(keyObject, alg)) {
    throw authFailed(`the installation private key does not fit ${alg}`);
  }
  const der = keyObject.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const pem = `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----`;
  return (await importPKCS8(pem, alg)) as oauth.CryptoKey;
}

/**
 * oauth4webapi client authentication for an installation. private_key_jwt per Talkdesk: header
 * alg = key_algorithm, kid = key_id; claims iss = sub = client_id, aud = the token URL exactly, jti,
 * iat, exp = iat + 300 s (oauth4webapi's defaults, aud = issuer and exp = +60 s, are replaced
 * through `modifyAssertion`). client_secret_basic form-urlencodes id and secret (RFC 6749 2.3.1).
 */
export async function clientAuthFor(client: OAuthClientMaterial, clock: Clock): Promise<oauth.ClientAuth> {
  const method = authMethodOf(client);
  if (method === 'client_secret_basic') {
    if (!client.clientSecret) throw authFailed('client_secret_basic needs the client secret');
    return oauth.ClientSecretBasic(client.clientSecret);
  }
  if (client.privateKey === undefined || !client.keyAlgorithm) {
    throw authFailed('private_key_jwt needs the private key and its algorithm');
  }
  const alg = client.keyAlgorithm;
  const key = await importSigningKey(client.privateKey, alg);
  const privateKey: oauth.PrivateKey = client.keyId ? { key, kid: client.keyId } : { key };
  return oauth.PrivateKeyJwt(privateKey, {
    [oauth.modifyAssertion]: (header, payload) => {
      if (header.alg !== alg) throw authFailed(`signing key gives ${String(header.alg)}, expected ${alg}`);
      const iat = Math.floor(clock() / 1000);
      payload.aud = client.tokensUrl;
      payload.iat = iat;
      payload.exp = iat + ASSERTION_LIFETIME_SECONDS;
      payload.nbf = undefined;
    },
  });
}
