import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import type { SealedValue } from '../stores/types.ts';
import type { KeyRing, SecretKey } from './key-ring.ts';
import { createKeyRing } from './key-ring.ts';
import type { Sealer } from './types.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

function openFailed(reason: string): AppConnectError {
  return new AppConnectError(ErrorCode.SealOpenFailed, `sealed value could not be opened: ${reason}`, { status: 500 });
}

function aad(context: string, field: string): Buffer {
  if (context.includes('\0') || field.includes('\0')) throw new TypeError('seal context and field must not contain NUL');
  return Buffer.from(`${context}\0${field}`, 'utf8');
}

/**
 * AES-256-GCM sealing. Format: `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts); a fresh 96-bit IV
 * per value; AAD = context NUL field.
 */
export function createSealer(keys: KeyRing | readonly SecretKey[]): Sealer {
  const ring: KeyRing = Array.isArray(keys) ? createKeyRing(keys as readonly SecretKey[]) : (keys as KeyRing);
  const byKid = new Map(ring.all.map((k) => [k.kid, k.key] as const));

  function parse(sealed: SealedValue): { kid: string; iv: Buffer; ct: Buffer; tag: Buffer } {
    if (typeof sealed !== 'string') throw openFailed('not a string');
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw openFailed('unknown format');
    const [, kid, iv, ct, tag] = parts as [string, string, string, string, string];
    if (!B64URL.test(iv) || !B64URL.test(ct) || !B64URL.test(tag)) throw openFailed('bad encoding');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw openFailed('bad length');
    return { kid, iv: ivBytes, ct: Buffer.from(ct, 'base64url'), tag: tagBytes };
  }

  return {
    seal(plaintext, context, field) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context, field));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, ring.current.kid, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
    },
    open(sealed, context, field) {
      const { kid, iv, ct, tag } = parse(sealed);
      const key = byKid.get(kid);
      if (key === undefined) throw openFailed('sealed with an unknown key id');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context, field));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch {
        throw openFailed('authentication failed (tampered, wrong key or wrong record/field)');
      }
    },
    needsReseal(sealed) {
      const parts = typeof sealed === 'string' ? sealed.split('.') : [];
      return parts.length !== 5 || parts[0] !== VERSION || parts[1] !== ring.current.kid;
    },
  };
}
