import { decodeJwt } from 'jose';

/**
 * Consistency checks of the ID Token returned with `openid` (checklist C17). Talkdesk documents no
 * issuer or signing keys, so the signature is not checked; the token came straight from the token
 * endpoint over TLS (OIDC Core 3.1.3.7 step 6). Returns a reason when the token contradicts the login.
 */
export function idTokenProblem(idToken: string, expected: { nonce: string; clientId: string; userId: string }): string | undefined {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(idToken);
  } catch {
    return 'the ID Token is not a JWT';
  }
  if (claims.sub !== undefined && claims.sub !== expected.userId) return 'the ID Token subject differs from the userinfo user';
  if (claims.nonce !== undefined && claims.nonce !== expected.nonce) return 'the ID Token nonce does not match the login';
  if (claims.aud !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(expected.clientId)) return 'the ID Token was issued to another client';
  }
  return undefined;
}
