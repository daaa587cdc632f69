import { constantTimeEqual, sha256Base64Url } from '../crypto/index.ts';
import { ErrorCode } from '../errors/index.ts';
import { parseCookies, singleCookie } from '../http/cookies.ts';
import type { FailureResponder } from '../http/failures.ts';
import { redirectResponse } from '../http/security-headers.ts';
import type { AppRequest, AppResponse } from '../http/types.ts';
import type { LoginTransaction, Store } from '../stores/types.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { CookiePolicy } from '../sessions/cookie-policy.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { isWellFormedState, readCallbackParams } from './callback-params.ts';
import type { CompleteLogin } from './complete-login.ts';

export interface CallbackDeps {
  config: ResolvedConfig;
  store: Store;
  cookies: CookiePolicy;
  sessions: SessionManager;
  fail: FailureResponder;
  completeLogin: CompleteLogin;
}

const BINDING = /^[A-Za-z0-9_-]{43}$/;

/**
 * The redirect URL (checklist C01-C22). Cheap local checks first (parameters, state shape, binding
 * cookie), then the atomic single-use consume of the transaction, then the binding comparison; only
 * after all of that does anything leave the process.
 */
export function createCallbackHandler(deps: CallbackDeps): (request: AppRequest) => Promise<AppResponse> {
  const { config, store, cookies, sessions, fail } = deps;
  const stage = 'callback';

  /** A replayed or stale callback in a browser that is already signed in goes home instead of to an error (C05). */
  async function homeIfSignedIn(request: AppRequest): Promise<AppResponse | undefined> {
    try {
      const check = await sessions.check(request.headers);
      if (check.user) return redirectResponse(config.afterLoginPath, config.frameAncestors, check.setCookie);
    } catch {
      // fall through to the failure page
    }
    return undefined;
  }

  return async function callback(request) {
    if (request.method !== 'GET') {
      return fail({ code: ErrorCode.CallbackInvalidRequest, stage, status: 405, message: `callback called with ${request.method.slice(0, 10)}`, headers: { allow: 'GET' } });
    }
    const params = readCallbackParams(request.url);
    if (!params.ok) return fail({ code: ErrorCode.CallbackInvalidRequest, stage, message: `invalid callback: ${params.reason}` });
    if (params.state === undefined) {
      // An `error` without our state may not come from Talkdesk at all (C09): not attributed to it.
      return (await homeIfSignedIn(request)) ?? fail({ code: ErrorCode.CallbackStateMissing, stage, message: params.error ? 'callback carried an error but no state' : 'callback without state' });
    }
    if (!isWellFormedState(params.state)) {
      return (await homeIfSignedIn(request)) ?? fail({ code: ErrorCode.CallbackStateInvalid, stage, message: 'callback state malformed' });
    }
    const binding = singleCookie(parseCookies(request.headers['cookie']), cookies.bindingName);
    if (binding === undefined || !BINDING.test(binding)) {
      return (await homeIfSignedIn(request)) ?? fail({ code: ErrorCode.CallbackBrowserMismatch, stage, message: 'the login binding cookie is missing (other browser, or cookies blocked)' });
    }

    const stateHash = sha256Base64Url(params.state);
    let transaction: LoginTransaction | undefined;
    try {
      transaction = await store.transactions.consume(stateHash, config.clock());
    } catch {
      return fail({ code: ErrorCode.StoreUnavailable, stage });
    }
    if (!transaction) {
      return (await homeIfSignedIn(request)) ?? fail({ code: ErrorCode.CallbackStateInvalid, stage, message: 'unknown, expired or already used state' });
    }
    const context = {
      installationId: transaction.installationId,
      ...(transaction.hintUserId ? { hintUserId: transaction.hintUserId } : {}),
    };
    if (!constantTimeEqual(sha256Base64Url(binding), transaction.bindingHash)) {
      return fail({ code: ErrorCode.CallbackBrowserMismatch, stage, ...context, message: 'the login was started in another browser' });
    }
    if (params.error !== undefined) {
      return fail({
        code: ErrorCode.CallbackAuthorizationError,
        stage: 'authorization',
        ...context,
        status: params.error === 'access_denied' ? 403 : 502,
        detail: `Talkdesk answered: ${params.error}`,
        message: `the authorization server answered error=${params.error}`,
        details: { error: params.error },
      });
    }
    if (params.code === undefined) {
      return fail({ code: ErrorCode.CallbackInvalidRequest, stage, ...context, message: 'callback without code or error' });
    }
    return deps.completeLogin(request, transaction, params.code);
  };
}
