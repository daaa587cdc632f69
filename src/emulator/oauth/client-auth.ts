import type { IncomingMessage } from 'node:http';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { publicKeyFromBase64 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { ReplyError } from '../http/reply.ts';
import { matchesHash } from '../secrets.ts';
import type { AccountRow } from '../state/accounts.ts';
import { CredentialsRepo, type CredentialRow } from '../state/credentials.ts';
import type { InstallationRow } from '../state/installations.ts';
import { oauthError } from './errors.ts';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SKEW_SECONDS = 30;
const MAX_ASSERTION_LIFETIME = 300;

export interface AuthenticatedClient {
  credential: CredentialRow;
  installation: InstallationRow;
  method: 'client_secret_basic' | 'private_key_jwt';
}

const invalidClient = (description: string, basic = false): never => {
  throw new ReplyError(oauthError(401, 'invalid_client', description, basic ? { 'www-authenticate': 'Basic realm="talkdesk-id-emulator"' } : {}));
};

/** RFC 6749 appendix B: the Basic credentials are form-urlencoded before Base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function basicCredentials(header: string): { id: string; secret: string } {
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header);
  if (!m) return invalidClient('malformed Basic credentials', true);
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return invalidClient('malformed Basic credentials', true);
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return invalidClient('malformed Basic credentials', true);
  }
}

async function verifyAssertion(core: EmulatorCore, assertion: string, formClientId: string | undefined, tokenUrl: string): Promise<CredentialRow> {
  let iss: unknown;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
    iss = decodeJwt(assertion).iss;
  } catch {
    return invalidClient('client_assertion is not a JWT');
  }
  const clientId = formClientId ?? (typeof iss === 'string' ? iss : '');
  const credential = core.credentials.get(clientId);
  if (!credential || !CredentialsRepo.usable(credential, core.clock.now())) return invalidClient('unknown or revoked client');
  if (header.alg !== credential.key_algorithm) return invalidClient(`the assertion must be signed with ${credential.key_algorithm}`);
  if (header.kid !== undefined && header.kid !== credential.key_id) return invalidClient('unknown key id');
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, publicKeyFromBase64(credential.public_key), {
      algorithms: [credential.key_algorithm],
      audience: tokenUrl,
      issuer: clientId,
      subject: clientId,
      currentDate: new Date(core.clock.now()),
      clockTolerance: SKEW_SECONDS,
      requiredClaims: ['exp', 'jti', 'iss', 'sub', 'aud'],
    }));
  } catch {
    return invalidClient('client_assertion verification failed (signature, aud, iss, sub or exp)');
  }
  const now = core.clock.nowSeconds();
  if (typeof payload.exp !== 'number' || payload.exp - now > MAX_ASSERTION_LIFETIME + SKEW_SECONDS) return invalidClient('client_assertion exp is more than 5 minutes ahead');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) return invalidClient('client_assertion needs a jti');
  if (!core.grants.useJti(clientId, payload.jti, payload.exp * 1000)) return invalidClient('client_assertion jti was already used');
  return credential;
}

/**
 * Authenticates the client of a token request: `client_secret_basic` or `private_key_jwt` (exactly
 * one), against a usable credential set of a live installation of this account.
 */
export async function authenticateClient(core: EmulatorCore, req: IncomingMessage, form: Record<string, string>, account: AccountRow, tokenUrl: string): Promise<AuthenticatedClient> {
  const authorization = req.headers.authorization;
  const hasAssertion = form.client_assertion !== undefined || form.client_assertion_type !== undefined;
  if (authorization && hasAssertion) throw new ReplyError(oauthError(400, 'invalid_request', 'use one client authentication method'));
  let credential: CredentialRow;
  let method: AuthenticatedClient['method'];
  if (authorization) {
    const { id, secret } = basicCredentials(authorization);
    if (form.client_id !== undefined && form.client_id !== id) throw new ReplyError(oauthError(400, 'invalid_request', 'client_id differs from the authenticated client'));
    const row = core.credentials.get(id);
    if (!row || !CredentialsRepo.usable(row, core.clock.now()) || !matchesHash(secret, row.secret_hash)) return invalidClient('client authentication failed', true);
    credential = row;
    method = 'client_secret_basic';
  } else if (hasAssertion) {
    if (form.client_assertion_type !== JWT_BEARER || !form.client_assertion) return invalidClient(`client_assertion_type must be ${JWT_BEARER}`);
    credential = await verifyAssertion(core, form.client_assertion, form.client_id, tokenUrl);
    method = 'private_key_jwt';
  } else {
    return invalidClient('client authentication required');
  }
  const installation = core.installations.get(credential.installation_id);
  if (!installation || installation.account_id !== account.id) return invalidClient('client does not belong to this account');
  if (installation.state === 'rejected' || (installation.state === 'uninstalled' && installation.uninstall_acknowledged)) {
    return invalidClient(`installation is ${installation.state}`);
  }
  return { credential, installation, method };
}
