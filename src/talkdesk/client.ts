import * as oauth from 'oauth4webapi';
import { AppConnectError, ErrorCode, isAppConnectError } from '../errors/index.ts';
import { apiPaths, joinRoot } from '../protocol/links.ts';
import { clientAuthFor } from './client-auth.ts';
import { undiciFetch } from './undici-fetch.ts';
import { assertAllowedUrl, isTimeout, oauthErrorCode, readJson } from './outbound.ts';
import {
  installationResponseSchema,
  installationUsersPageSchema,
  tokenResponseSchema,
  userinfoResponseSchema,
} from './responses.ts';
import type {
  AuthorizationCodeGrant,
  InstallationAck,
  OAuthClientMaterial,
  TalkdeskClient,
  TalkdeskClientOptions,
  TalkdeskInstallationInfo,
  TalkdeskUser,
  TokenSet,
} from './types.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** expires_in assumed when the token response has none. */
export const DEFAULT_EXPIRES_IN_SECONDS = 300;
const MAX_USER_PAGES = 100;

type ResourceKind = 'userinfo' | 'apps';

/**
 * The outbound Talkdesk client. Grant requests and client authentication go through oauth4webapi;
 * responses are parsed with zod here, because oauth4webapi's token processors always validate an
 * `id_token` against an issuer, and Talkdesk documents neither the issuer nor its keys (an
 * unvalidatable id_token must not break a login). Every URL passes the host policy first, every call
 * has a deadline, redirects are never followed, and bearer tokens travel only in `Authorization`.
 */
export function createTalkdeskClient(options: TalkdeskClientOptions): TalkdeskClient {
  const policy = options.hostPolicy;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl: typeof fetch = options.fetch ?? undiciFetch;
  const clock = options.clock ?? Date.now;

  async function tokenRequest(client: OAuthClientMaterial, grantType: string, params: Record<string, string>): Promise<TokenSet> {
    const url = assertAllowedUrl(client.tokensUrl, policy, 'tokens');
    const auth = await clientAuthFor(client, clock);
    const as: oauth.AuthorizationServer = { issuer: url.origin, token_endpoint: url.href };
    let body: unknown;
    let status: number;
    try {
      const response = await oauth.genericTokenEndpointRequest(as, { client_id: client.clientId }, auth, grantType, params, {
        [oauth.customFetch]: fetchImpl,
        [oauth.allowInsecureRequests]: url.protocol === 'http:',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      body = await readJson(response);
    } catch (error) {
      if (isAppConnectError(error)) throw error;
      if (isTimeout(error)) {
        throw new AppConnectError(ErrorCode.TokenTimeout, `token endpoint did not answer within ${timeoutMs} ms`, { status: 504, details: { grantType } });
      }
      throw new AppConnectError(ErrorCode.TokenRequestFailed, 'token endpoint could not be reached', {
        status: 502,
        details: { grantType, network: true },
      });
    }
    if (status < 200 || status > 299) {
      const oauthError = oauthErrorCode(body);
      throw new AppConnectError(ErrorCode.TokenRequestFailed, `token endpoint answered ${status}${oauthError ? ` (${oauthError})` : ''}`, {
        status: 502,
        details: { grantType, httpStatus: status, ...(oauthError ? { oauthError } : {}) },
      });
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new AppConnectError(ErrorCode.TokenResponseInvalid, 'token endpoint answered an invalid token response', {
        status: 502,
        details: { grantType, fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') },
      });
    }
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      tokenType: t.token_type,
      expiresIn: t.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS,
      scope: t.scope ?? '',
      ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}),
      ...(t.sid ? { sid: t.sid } : {}),
      ...(t.id_token ? { idToken: t.id_token } : {}),
    };
  }

  async function resourceCall(
    kind: ResourceKind,
    method: 'GET' | 'POST',
    href: string,
    accessToken: string,
    jsonBody?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const url = assertAllowedUrl(href, policy, kind);
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    if (jsonBody !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetchImpl(url.href, {
        method,
        headers,
        ...(jsonBody !== undefined ? { body: JSON.stringify(jsonBody) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, body: await readJson(response) };
    } catch (error) {
      const timeout = isTimeout(error);
      if (kind === 'userinfo') {
        throw timeout
          ? new AppConnectError(ErrorCode.UserinfoTimeout, `userinfo did not answer within ${timeoutMs} ms`, { status: 504 })
          : new AppConnectError(ErrorCode.UserinfoFailed, 'userinfo could not be reached', { status: 502, details: { network: true } });
      }
      throw new AppConnectError(ErrorCode.AppsApiFailed, timeout ? `Apps API did not answer within ${timeoutMs} ms` : 'Apps API could not be reached', {
        status: timeout ? 504 : 502,
        details: { path: url.pathname, retryable: true, ...(timeout ? { timeout: true } : { network: true }) },
      });
    }
  }

  function appsFailed(status: number, path: string, body: unknown): AppConnectError {
    const retryable = status >= 500 || status === 429 || status === 401 || status === 408;
    const error = oauthErrorCode(body);
    return new AppConnectError(ErrorCode.AppsApiFailed, `Apps API answered ${status}`, {
      status: 502,
      details: { httpStatus: status, path, retryable, ...(error ? { apiError: error } : {}) },
    });
  }

  const ok = (status: number) => status >= 200 && status <= 299;

  return {
    exchangeCode(client: OAuthClientMaterial, grant: AuthorizationCodeGrant) {
      const params: Record<string, string> = { code: grant.code, redirect_uri: grant.redirectUri };
      if (grant.codeVerifier) params.code_verifier = grant.codeVerifier;
      return tokenRequest(client, 'authorization_code', params);
    },

    clientCredentials(client: OAuthClientMaterial, scope?: string) {
      return tokenRequest(client, 'client_credentials', scope ? { scope } : {});
    },

    refresh(client: OAuthClientMaterial, refreshToken: string) {
      return tokenRequest(client, 'refresh_token', { refresh_token: refreshToken });
    },

    async fetchUserInfo(userinfoUrl: string, accessToken: string): Promise<TalkdeskUser> {
      const { status, body } = await resourceCall('userinfo', 'GET', userinfoUrl, accessToken);
      if (!ok(status)) {
        throw new AppConnectError(ErrorCode.UserinfoFailed, `userinfo answered ${status}`, { status: 502, details: { httpStatus: status } });
      }
      const parsed = userinfoResponseSchema.safeParse(body);
      if (!parsed.success || !body || typeof body !== 'object') {
        throw new AppConnectError(ErrorCode.UserinfoInvalid, 'userinfo answered an invalid body', { status: 502 });
      }
      const claims: Record<string, string | number | boolean | null> = {};
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (key === '_links' || key === '__proto__') continue;
        if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) claims[key] = value as string | number | boolean | null;
      }
      const u = parsed.data;
      return {
        userId: (u.sub ?? u.id)!,
        ...(u.name !== undefined ? { name: u.name } : {}),
        ...(u.email !== undefined ? { email: u.email } : {}),
        claims,
      };
    },

    async ackInstallation(root: string, appId: string, installationId: string, state: InstallationAck, reason: string | undefined, accessToken: string) {
      const path = apiPaths.installationState(appId, installationId);
      const body = reason !== undefined ? { state, reason } : { state };
      const res = await resourceCall('apps', 'POST', joinRoot(root, path), accessToken, body);
      if (!ok(res.status)) throw appsFailed(res.status, path, res.body);
    },

    async ackCredentials(root: string, appId: string, installationId: string, clientId: string, accessToken: string) {
      const path = apiPaths.credentialsState(appId, installationId, encodeURIComponent(clientId));
      const res = await resourceCall('apps', 'POST', joinRoot(root, path), accessToken, { state: 'acknowledged' });
      // 409: "requested state conflicts with the current state": already acknowledged.
      if (!ok(res.status) && res.status !== 409) throw appsFailed(res.status, path, res.body);
    },

    async getEvent(selfUrl: string, accessToken: string): Promise<unknown> {
      const res = await resourceCall('apps', 'GET', selfUrl, accessToken);
      if (!ok(res.status)) throw appsFailed(res.status, new URL(selfUrl).pathname, res.body);
      return res.body;
    },

    async getInstallation(root: string, appId: string, installationId: string, accessToken: string): Promise<TalkdeskInstallationInfo> {
      const path = apiPaths.installation(appId, installationId);
      const res = await resourceCall('apps', 'GET', joinRoot(root, path), accessToken);
      if (!ok(res.status)) throw appsFailed(res.status, path, res.body);
      const parsed = installationResponseSchema.safeParse(res.body);
      if (!parsed.success) throw new AppConnectError(ErrorCode.AppsApiFailed, 'Apps API answered an invalid installation', { status: 502, details: { path, retryable: false } });
      const i = parsed.data;
      const createdBy = i._embedded?.created_by;
      const state = i._embedded?.state?.state;
      return {
        id: i.id,
        ...(state !== undefined ? { state } : {}),
        ...(i.scopes ? { scopes: i.scopes } : {}),
        ...(createdBy ? { createdBy } : {}),
      };
    },

    async listInstallationUsers(root: string, appId: string, installationId: string, accessToken: string): Promise<string[]> {
      const users = new Set<string>();
      let next: string | undefined = joinRoot(root, apiPaths.installationUsers(appId, installationId));
      const seen = new Set<string>();
      for (let page = 0; next !== undefined && page < MAX_USER_PAGES && !seen.has(next); page++) {
        seen.add(next);
        const res = await resourceCall('apps', 'GET', next, accessToken);
        if (!ok(res.status)) throw appsFailed(res.status, new URL(next).pathname, res.body);
        const parsed = installationUsersPageSchema.safeParse(res.body);
        if (!parsed.success) throw new AppConnectError(ErrorCode.AppsApiFailed, 'Apps API answered an invalid users page', { status: 502, details: { retryable: false } });
        for (const user of parsed.data._embedded?.users ?? []) users.add(user.id);
        next = parsed.data._links?.next?.href;
      }
      return [...users];
    },
  };
}
