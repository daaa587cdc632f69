import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { HEX32 } from './ids.ts';

/**
 * Event signing scheme (a project assumption; Talkdesk's pages do not document it, see DESIGN.md
 * section 2 and docs/emulator.md):
 * - `X-Hub-Ecdsa-Signature`: lowercase hex of an ECDSA signature over the raw request body with
 *   SHA-512. The emulator signs with a P-256 key and DER encoding; verifiers accept DER or
 *   IEEE P1363 (r||s) encodings.
 * - `X-Hub-Ecdsa-Signature-Id`: the signing key id (32 lowercase hex).
 * - `GET {root}/events/signature-keys/{id}` answers `{ "id", "public_key" }`, the public key as
 *   Base64 SPKI DER; unauthenticated.
 */
export const SIGNATURE_HEADER = 'x-hub-ecdsa-signature';
export const SIGNATURE_ID_HEADER = 'x-hub-ecdsa-signature-id';
export const SIGNATURE_DIGEST = 'sha512';

/** Signature key ids must match this strict pattern before any lookup (checklist W10). */
export const SIGNATURE_KEY_ID = HEX32;
/** Longest hex signature accepted (P-521 DER is 278 hex chars); anything longer is rejected unread. */
export const MAX_SIGNATURE_HEX = 300;

export const signatureKeyResponseSchema = z.object({
  id: z.string().regex(SIGNATURE_KEY_ID),
  public_key: z.string().min(1).max(4096),
});
export type SignatureKeyResponse = z.infer<typeof signatureKeyResponseSchema>;

export function generateSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Signs the raw body; returns the lowercase hex value for `X-Hub-Ecdsa-Signature`. */
export function signEventBody(body: Uint8Array, privateKey: KeyObject): string {
  return sign(SIGNATURE_DIGEST, body, { key: privateKey, dsaEncoding: 'der' }).toString('hex');
}

/** Verifies a hex signature over the raw body. Never throws: malformed input is simply `false`. */
export function verifyEventBody(body: Uint8Array, signatureHex: string, publicKey: KeyObject): boolean {
  if (signatureHex.length === 0 || signatureHex.length > MAX_SIGNATURE_HEX || !/^[0-9a-fA-F]+$/.test(signatureHex)) {
    return false;
  }
  if (publicKey.asymmetricKeyType !== 'ec') return false;
  const signature = Buffer.from(signatureHex, 'hex');
  for (const dsaEncoding of ['der', 'ieee-p1363'] as const) {
    try {
      if (verify(SIGNATURE_DIGEST, body, { key: publicKey, dsaEncoding }, signature)) return true;
    } catch {
      // wrong encoding for this signature: try the next one
    }
  }
  return false;
}

/** Encodes a public signing key for the signature-keys endpoint. */
export function encodeSigningPublicKey(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Decodes the `public_key` of a signature-keys response; throws TypeError on bad input. */
export function decodeSigningPublicKey(base64: string): KeyObject {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new TypeError('signature key is not Base64');
  return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
}
