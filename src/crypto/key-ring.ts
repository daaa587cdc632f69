import { AppConnectError, ErrorCode } from '../errors/index.ts';

/** One AES-256 key of the ring. `kid` names it inside sealed values so older keys still open them. */
export interface SecretKey {
  kid: string;
  key: Buffer;
}

/** The keys the sealer uses: `current` seals, every key (current included) opens. */
export interface KeyRing {
  current: SecretKey;
  all: readonly SecretKey[];
}

const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function invalidKey(message: string): AppConnectError {
  return new AppConnectError(ErrorCode.SecretKeyInvalid, message, { status: 500 });
}

/** Decodes a 32-byte key written as 64 hex digits or as base64/base64url (44 or 43 characters). */
export function decodeKeyMaterial(text: string, where: string): Buffer {
  const value = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) bytes = Buffer.from(value.replace(/=+$/, ''), 'base64url');
  if (bytes === undefined || bytes.length !== 32) {
    throw invalidKey(`${where}: a secret key must be 32 bytes written as 64 hex digits or 43/44 base64 characters (got ${value.length} characters)`);
  }
  return bytes;
}

/** Builds a key ring; the first key is current. Key ids must be unique. */
export function createKeyRing(keys: readonly SecretKey[]): KeyRing {
  const [current] = keys;
  if (current === undefined) throw invalidKey('no secret key given');
  const seen = new Set<string>();
  for (const k of keys) {
    if (!KID_PATTERN.test(k.kid)) throw invalidKey(`secret key id must match ${KID_PATTERN.source}`);
    if (seen.has(k.kid)) throw invalidKey(`secret key id "${k.kid}" appears twice`);
    if (k.key.length !== 32) throw invalidKey(`secret key "${k.kid}" must be 32 bytes`);
    seen.add(k.kid);
  }
  return { current, all: [...keys] };
}

/**
 * Parses APPCONNECT_SECRET_KEY: either one key (hex or base64, kid `k1`) or a comma list
 * `kid:key,kid:key` whose first entry is the current key.
 */
export function parseSecretKeyList(text: string, where = 'APPCONNECT_SECRET_KEY'): KeyRing {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw invalidKey(`${where} is empty`);
  if (entries.length === 1 && !entries[0]!.includes(':')) {
    return createKeyRing([{ kid: 'k1', key: decodeKeyMaterial(entries[0]!, where) }]);
  }
  return createKeyRing(
    entries.map((entry, index) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw invalidKey(`${where}: entry ${index + 1} must be written kid:key`);
      const kid = entry.slice(0, colon);
      if (!KID_PATTERN.test(kid)) throw invalidKey(`${where}: entry ${index + 1} has an invalid key id (letters, digits, _ and -, at most 32)`);
      return { kid, key: decodeKeyMaterial(entry.slice(colon + 1), `${where} entry ${index + 1} (${kid})`) };
    }),
  );
}
