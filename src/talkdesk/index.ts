export type {
  AuthorizationCodeGrant,
  Clock,
  InstallationAck,
  OAuthClientMaterial,
  TalkdeskClient,
  TalkdeskClientOptions,
  TalkdeskInstallationInfo,
  TalkdeskUser,
  TokenAuthMethod,
  TokenSet,
} from './types.ts';
export { createTalkdeskClient, DEFAULT_TIMEOUT_MS, DEFAULT_EXPIRES_IN_SECONDS } from './client.ts';
export { authMethodOf, clientAuthFor, ASSERTION_LIFETIME_SECONDS } from './client-auth.ts';
export { createPkcePair, pkceChallengeFor, type PkcePair } from './pkce.ts';
export { openClientMaterial, SEALED_FIELDS } from './installation-client.ts';
export { createInstallationTokens, type InstallationTokens, type InstallationTokensOptions } from './token-cache.ts';
export { assertAllowedUrl, MAX_RESPONSE_BYTES } from './outbound.ts';
