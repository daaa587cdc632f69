import * as oauth from 'oauth4webapi';

export interface PkcePair {
  /** 43 characters of base64url (256 bits). Keep it server-side. */
  verifier: string;
  /** BASE64URL(SHA-256(verifier)). */
  challenge: string;
  method: 'S256';
}

/** A fresh PKCE S256 pair (RFC 7636), via oauth4webapi. */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier), method: 'S256' };
}

/** The S256 challenge of a verifier. */
export function pkceChallengeFor(verifier: string): Promise<string> {
  return oauth.calculatePKCECodeChallenge(verifier);
}
