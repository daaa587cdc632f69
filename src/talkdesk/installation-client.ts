import type { Sealer } from '../crypto/types.ts';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import type { InstallationRecord } from '../stores/types.ts';
import type { OAuthClientMaterial, TokenAuthMethod } from './types.ts';

/** Seal fields of an installation's secrets (AAD = installation id + field). */
export const SEALED_FIELDS = { clientSecret: 'client_secret', privateKey: 'private_key', accessToken: 'access_token' } as const;

/**
 * Opens an installation's OAuth client for one call (secrets stay in memory only). Throws
 * APPCONNECT_CLIENT_AUTH_FAILED when the installation holds no usable secret (e.g. uninstalled),
 * and APPCONNECT_SEAL_OPEN_FAILED when a sealed value was tampered with or moved.
 */
export function openClientMaterial(installation: InstallationRecord, sealer: Sealer, authMethod?: TokenAuthMethod): OAuthClientMaterial {
  const id = installation.installationId;
  const clientSecret = installation.clientSecret ? sealer.open(installation.clientSecret, id, SEALED_FIELDS.clientSecret) : undefined;
  const privateKey = installation.privateKey ? sealer.open(installation.privateKey, id, SEALED_FIELDS.privateKey) : undefined;
  if (!clientSecret && !privateKey) {
    throw new AppConnectError(ErrorCode.ClientAuthFailed, 'the installation has no client credentials', { status: 409, details: { installationId: id } });
  }
  const method = authMethod ?? (privateKey ? 'private_key_jwt' : 'client_secret_basic');
  return {
    clientId: installation.clientId,
    ...(clientSecret ? { clientSecret } : {}),
    ...(privateKey ? { privateKey } : {}),
    keyId: installation.keyId,
    keyAlgorithm: installation.keyAlgorithm,
    tokensUrl: installation.links.tokens,
    authMethod: method,
  };
}
