import { createHash } from 'node:crypto';
import { randomToken } from '../crypto/random.ts';

export interface PkcePair {
  /** 43 characters of base64url (256 bits). Keep it server-side. */
  verifier: string;
  /** BASE64URL(SHA-256(verifier)). */
  challenge: string;
  method: 'S256';
}

/** A fresh PKCE S256 pair (RFC 7636 section 4.1-4.2). */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomToken(32);
  return { verifier, challenge: await pkceChallengeFor(verifier), method: 'S256' };
}

/**
 * The S256 challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))). node:crypto's synchronous
 * hash, not WebCrypto's: a sign-in does not need a thread-pool round trip for 43 bytes.
 */
export async function pkceChallengeFor(verifier: string): Promise<string> {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
