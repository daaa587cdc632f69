import { randomToken, sha256Base64Url } from '../crypto/index.ts';
import type { Sealer } from '../crypto/types.ts';
import { ErrorCode } from '../errors/index.ts';
import { parseCookies, serializeCookie, singleCookie } from '../http/cookies.ts';
import type { FailureResponder } from '../http/failures.ts';
import { parseRequestUrl, singleParam } from '../http/query.ts';
import { redirectResponse } from '../http/security-headers.ts';
import type { AppRequest, AppResponse } from '../http/types.ts';
import { isAllowedTalkdeskUrl } from '../protocol/hosts.ts';
import { HEX24, TALKDESK_ID } from '../protocol/ids.ts';
import type { InstallationRecord, LoginTransaction, Store } from '../stores/types.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { CookiePolicy } from '../sessions/cookie-policy.ts';
import { pkceChallengeFor } from '../talkdesk/pkce.ts';
import { safeReturnPath } from './return-to.ts';

export interface LaunchDeps {
  config: ResolvedConfig;
  store: Store;
  sealer: Sealer;
  cookies: CookiePolicy;
  fail: FailureResponder;
}

const BINDING = /^[A-Za-z0-9_-]{43}$/;

/**
 * The standalone URL (checklist S01-S09): validates `talkdesk_installation_id`, then answers an
 * immediate 302 to that installation's stored authorization link with a fresh state, PKCE S256 and
 * nonce; the transaction is stored server-side and bound to this browser by a cookie.
 */
export function createLaunchHandler(deps: LaunchDeps): (request: AppRequest) => Promise<AppResponse> {
  const { config, store, sealer, cookies, fail } = deps;
  const stage = 'launch';

  return async function launch(request) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return fail({ code: ErrorCode.LaunchInvalidRequest, stage, status: 405, message: `launch called with ${request.method.slice(0, 10)}`, headers: { allow: 'GET' } });
    }
    const query = parseRequestUrl(request.url);
    if (!query) return fail({ code: ErrorCode.LaunchInvalidRequest, stage, message: 'launch URL too long or malformed' });
    const installationParam = singleParam(query.params, 'talkdesk_installation_id', 64);
    if (!installationParam.ok) {
      return fail({ code: ErrorCode.LaunchInvalidRequest, stage, message: `talkdesk_installation_id ${installationParam.reason === 'repeated' ? 'given more than once' : 'too long'}` });
    }
    const installationId = installationParam.value;
    if (installationId === undefined || !TALKDESK_ID.test(installationId)) {
      return fail({ code: ErrorCode.LaunchInvalidRequest, stage, message: installationId === undefined ? 'talkdesk_installation_id missing' : 'talkdesk_installation_id malformed' });
    }
    // The user id is a hint only (never used to authenticate); a malformed or repeated one is dropped.
    const hint = singleParam(query.params, 'talkdesk_user_id', 64);
    const hintUserId = hint.ok && hint.value !== undefined && HEX24.test(hint.value) ? hint.value : undefined;
    const returnParam = singleParam(query.params, 'return_to', 512);
    const returnTo = returnParam.ok ? safeReturnPath(returnParam.value, config.origin) : undefined;

    let installation: InstallationRecord | undefined;
    try {
      installation = await store.installations.get(installationId);
    } catch {
      return fail({ code: ErrorCode.StoreUnavailable, stage, installationId });
    }
    if (!installation || (config.appId !== undefined && installation.appId !== config.appId)) {
      return fail({ code: ErrorCode.LaunchUnknownInstallation, stage, installationId, ...(hintUserId ? { hintUserId } : {}) });
    }
    if (installation.state !== 'active') {
      return fail({
        code: ErrorCode.LaunchInstallationInactive,
        stage,
        installation,
        message: `installation is ${installation.state}`,
        details: { state: installation.state },
      });
    }
    if (!isAllowedTalkdeskUrl(installation.links.authorization, config.hostPolicy)) {
      return fail({ code: ErrorCode.OutboundUrlNotAllowed, stage, installation, message: 'the stored authorization link is not on an allowed Talkdesk host' });
    }

    const now = config.clock();
    const state = randomToken(32);
    const stateHash = sha256Base64Url(state);
    const codeVerifier = randomToken(32);
    const nonce = randomToken(32);
    // One binding value per browser, reused across tabs so that two launches in parallel both complete.
    const existingBinding = singleCookie(parseCookies(request.headers['cookie']), cookies.bindingName);
    const binding = existingBinding !== undefined && BINDING.test(existingBinding) ? existingBinding : randomToken(32);
    const transaction: LoginTransaction = {
      stateHash,
      bindingHash: sha256Base64Url(binding),
      installationId,
      codeVerifier: sealer.seal(codeVerifier, stateHash, 'code_verifier'),
      nonce,
      redirectUri: config.redirectUri,
      ...(hintUserId ? { hintUserId } : {}),
      ...(returnTo ? { returnTo } : {}),
      createdAt: now,
      expiresAt: now + config.transactionTtlMs,
    };
    let stored: boolean;
    try {
      stored = await store.transactions.put(transaction, config.maxPendingTransactions);
    } catch {
      return fail({ code: ErrorCode.StoreUnavailable, stage, installation });
    }
    if (!stored) return fail({ code: ErrorCode.LaunchTooManyPending, stage, installation, headers: { 'retry-after': '60' } });

    const location = new URL(installation.links.authorization);
    for (const key of ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']) {
      location.searchParams.delete(key);
    }
    location.searchParams.set('response_type', 'code');
    location.searchParams.set('client_id', installation.clientId);
    location.searchParams.set('redirect_uri', config.redirectUri);
    location.searchParams.set('scope', config.scope);
    location.searchParams.set('state', state);
    location.searchParams.set('nonce', nonce);
    location.searchParams.set('code_challenge', await pkceChallengeFor(codeVerifier));
    location.searchParams.set('code_challenge_method', 'S256');
    const bindingCookie = serializeCookie(cookies.bindingName, binding, cookies.binding(Math.ceil(config.transactionTtlMs / 1000)));
    return redirectResponse(location.href, config.frameAncestors, [bindingCookie]);
  };
}
