import type { KeyObject } from 'node:crypto';
import type { HostPolicy } from '../protocol/hosts.ts';
import type { KeyAlgorithm } from '../protocol/keys.ts';

/** Epoch milliseconds now; injectable for tests. */
export type Clock = () => number;

/** How the kit authenticates to an installation's token endpoint. */
export type TokenAuthMethod = 'private_key_jwt' | 'client_secret_basic';

/** An installation's OAuth client, opened (secrets in clear, in memory only). */
export interface OAuthClientMaterial {
  clientId: string;
  clientSecret?: string;
  /** A KeyObject, or Talkdesk's Base64 PKCS#8 DER (PEM also accepted). */
  privateKey?: KeyObject | string;
  keyId?: string;
  keyAlgorithm?: KeyAlgorithm;
  /** The installation's `tokens` link; also the `aud` of the client assertion. */
  tokensUrl: string;
  /** Default: private_key_jwt when a private key is present, else client_secret_basic. */
  authMethod?: TokenAuthMethod;
}

export interface TokenSet {
  accessToken: string;
  /** As sent (e.g. `Bearer`). */
  tokenType: string;
  /** Seconds; 300 when the server sent none (conservative, so caches refresh early). */
  expiresIn: number;
  scope: string;
  refreshToken?: string;
  sid?: string;
  /** Raw, NOT validated: Talkdesk documents no issuer or keys for it. Do not trust its claims. */
  idToken?: string;
}

export interface TalkdeskUser {
  /** userinfo `sub`, falling back to `id`. */
  userId: string;
  name?: string;
  email?: string;
  /** Userinfo claims (top-level scalar values only, `_links` dropped). */
  claims: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuthorizationCodeGrant {
  code: string;
  redirectUri: string;
  /** PKCE verifier; omit only when the launch sent no code_challenge. */
  codeVerifier?: string;
}

export type InstallationAck = 'approve' | 'reject';

/** The parts of GET installation the kit uses. */
export interface TalkdeskInstallationInfo {
  id: string;
  state?: string;
  scopes?: string[];
  createdBy?: { id?: string; name?: string; email?: string };
}

export interface TalkdeskClientOptions {
  hostPolicy: HostPolicy;
  /** Deadline of each outbound call (default 10 000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
}

/** Outbound calls to Talkdesk: Talkdesk ID token endpoint, userinfo and the Apps API. */
export interface TalkdeskClient {
  exchangeCode(client: OAuthClientMaterial, grant: AuthorizationCodeGrant): Promise<TokenSet>;
  /** `scope` undefined or empty: no scope parameter (the server grants the client's scopes). */
  clientCredentials(client: OAuthClientMaterial, scope?: string): Promise<TokenSet>;
  refresh(client: OAuthClientMaterial, refreshToken: string): Promise<TokenSet>;
  fetchUserInfo(userinfoUrl: string, accessToken: string): Promise<TalkdeskUser>;
  /** POST {root}/apps/{appId}/installations/{id}/state. */
  ackInstallation(
    root: string,
    appId: string,
    installationId: string,
    state: InstallationAck,
    reason: string | undefined,
    accessToken: string,
  ): Promise<void>;
  /** POST {root}/apps/{appId}/installations/{id}/credentials/{clientId}/state {"state":"acknowledged"}; 409 counts as done. */
  ackCredentials(root: string, appId: string, installationId: string, clientId: string, accessToken: string): Promise<void>;
  /** GET `_links.self` of an event; returns the parsed JSON, unvalidated. */
  getEvent(selfUrl: string, accessToken: string): Promise<unknown>;
  getInstallation(root: string, appId: string, installationId: string, accessToken: string): Promise<TalkdeskInstallationInfo>;
  /** Every licensed user id (follows `_links.next`, bounded). */
  listInstallationUsers(root: string, appId: string, installationId: string, accessToken: string): Promise<string[]>;
}
