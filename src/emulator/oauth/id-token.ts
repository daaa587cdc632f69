import { createPublicKey } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type { EmulatorCore } from '../core.ts';

/** OpenID Connect ID token, ES256 with the emulator's persisted key (kid = key id). */
export async function signIdToken(
  core: EmulatorCore,
  claims: { accountName: string; clientId: string; userId: string; nonce: string | null; sid: string; authTime: number },
): Promise<string> {
  const key = core.keys.active('id_token', core.clock.now());
  const now = core.clock.nowSeconds();
  const jwt = new SignJWT({ sid: claims.sid, auth_time: Math.floor(claims.authTime / 1000), ...(claims.nonce !== null ? { nonce: claims.nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: key.id, typ: 'JWT' })
    .setIssuer(core.urls.issuer(claims.accountName))
    .setAudience(claims.clientId)
    .setSubject(claims.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + core.config.idTokenTtlSeconds);
  return jwt.sign(key.privateKey);
}

/** The JWKS served at `/id/{account}/oauth/jwks`: every ID-token key, current and retired. */
export async function jwks(core: EmulatorCore): Promise<{ keys: Record<string, unknown>[] }> {
  const keys = [];
  for (const k of core.keys.all('id_token')) {
    const jwk = await exportJWK(createPublicKey({ key: Buffer.from(k.publicKeyBase64, 'base64'), format: 'der', type: 'spki' }));
    keys.push({ ...jwk, kid: k.id, alg: 'ES256', use: 'sig' });
  }
  return { keys };
}
