import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** The JWT algorithms Talkdesk documents for an installation's key pair. */
export const KEY_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
export const keyAlgorithmSchema = z.enum(KEY_ALGORITHMS);

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** An installation key pair as Talkdesk hands it over: Base64 PKCS#8 DER and Base64 SPKI DER. */
export interface EncodedKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Generates a fresh key pair suited to `alg` (EC curve for ES*, RSA 2048 for PS*). */
export function generateKeyPairFor(alg: KeyAlgorithm): EncodedKeyPair {
  const curve = CURVES[alg];
  const pair = curve
    ? generateKeyPairSync('ec', { namedCurve: curve })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

/** Strips PEM armour and whitespace if present, so both bare Base64 and PEM are accepted. */
function derFromText(text: string): Buffer {
  const body = text.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new TypeError('key is not Base64 DER or PEM');
  return Buffer.from(body, 'base64');
}

/** Reads a Base64 PKCS#8 DER private key (the `private_key` of app.installed). Throws TypeError on bad input. */
export function privateKeyFromBase64(text: string): KeyObject {
  return createPrivateKey({ key: derFromText(text), format: 'der', type: 'pkcs8' });
}

/** Reads a Base64 SPKI DER public key (the `public_key` of app.installed). Throws TypeError on bad input. */
export function publicKeyFromBase64(text: string): KeyObject {
  return createPublicKey({ key: derFromText(text), format: 'der', type: 'spki' });
}

/** True when the key's type and size fit the JWT algorithm (checked before signing or verifying). */
export function keyFitsAlgorithm(key: KeyObject, alg: KeyAlgorithm): boolean {
  const details = key.asymmetricKeyDetails;
  if (alg.startsWith('ES')) {
    const curve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg as 'ES256'];
    return key.asymmetricKeyType === 'ec' && details?.namedCurve === curve;
  }
  return (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (details?.modulusLength ?? 0) >= 2048;
}
