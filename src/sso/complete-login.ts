import type { Sealer } from '../crypto/types.ts';
import { ErrorCode, isAppConnectError } from '../errors/index.ts';
import type { Failure, FailureResponder } from '../http/failures.ts';
import { redirectResponse } from '../http/security-headers.ts';
import type { AppRequest, AppResponse } from '../http/types.ts';
import type { InstallationRecord, LoginTransaction, Store } from '../stores/types.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { AppConnectOptions } from '../config/types.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { openClientMaterial } from '../talkdesk/installation-client.ts';
import type { TalkdeskClient, TalkdeskUser, TokenSet } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import { idTokenProblem } from './id-token.ts';
import { resolveAppUser } from './resolve-user.ts';

export interface CompleteLoginDeps {
  config: ResolvedConfig;
  store: Store;
  sealer: Sealer;
  talkdesk: TalkdeskClient;
  sessions: SessionManager;
  fail: FailureResponder;
  resolveUser: AppConnectOptions['resolveUser'];
  onLogin: AppConnectOptions['onLogin'];
  logger: Logger;
}

export type CompleteLogin = (request: AppRequest, transaction: LoginTransaction, code: string) => Promise<AppResponse>;

const TOKEN_CODES = new Set<string>([ErrorCode.TokenRequestFailed, ErrorCode.TokenTimeout, ErrorCode.TokenResponseInvalid, ErrorCode.ClientAuthFailed, ErrorCode.SealOpenFailed, ErrorCode.OutboundUrlNotAllowed]);
const USERINFO_CODES = new Set<string>([ErrorCode.UserinfoFailed, ErrorCode.UserinfoTimeout, ErrorCode.UserinfoInvalid, ErrorCode.OutboundUrlNotAllowed]);

/** Safe scalar facts of a typed error (the talkdesk client never puts secrets in `details`). */
function scalarDetails(error: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!isAppConnectError(error)) return out;
  for (const [key, value] of Object.entries(error.details)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

/** Token exchange, userinfo, identity and licence checks, user resolution and the new session. */
export function createCompleteLogin(deps: CompleteLoginDeps): CompleteLogin {
  const { config, store, sealer, talkdesk, sessions, fail, logger } = deps;

  function outboundFailure(error: unknown, stage: 'token' | 'userinfo', base: Partial<Failure>): Failure {
    const known = stage === 'token' ? TOKEN_CODES : USERINFO_CODES;
    const fallback = stage === 'token' ? ErrorCode.TokenRequestFailed : ErrorCode.UserinfoFailed;
    const code = isAppConnectError(error) && known.has(error.code) ? error.code : fallback;
    const details = scalarDetails(error);
    if (details['oauthError'] === 'invalid_client') {
      logger.error({ alert: 'credentials_rejected', installationId: base.installationId ?? base.installation?.installationId }, 'appconnect: the token endpoint rejected the installation credentials (stale or rotated?)');
    }
    return { ...base, code, stage, message: isAppConnectError(error) ? error.message : `${stage} step failed`, details };
  }

  return async function completeLogin(request, transaction, code) {
    const context = {
      installationId: transaction.installationId,
      ...(transaction.hintUserId ? { hintUserId: transaction.hintUserId } : {}),
    };
    let installation: InstallationRecord | undefined;
    try {
      installation = await store.installations.get(transaction.installationId);
    } catch {
      return fail({ code: ErrorCode.StoreUnavailable, stage: 'callback', ...context });
    }
    if (!installation || installation.state !== 'active') {
      return fail({ code: ErrorCode.CallbackInstallationInactive, stage: 'callback', ...context, ...(installation ? { installation } : {}) });
    }
    const withInstallation = { ...context, installation };

    let tokens: TokenSet;
    try {
      const client = openClientMaterial(installation, sealer, config.tokenEndpointAuth);
      const codeVerifier = sealer.open(transaction.codeVerifier, transaction.stateHash, 'code_verifier');
      tokens = await talkdesk.exchangeCode(client, { code, redirectUri: transaction.redirectUri, codeVerifier });
    } catch (error) {
      return fail(outboundFailure(error, 'token', withInstallation));
    }

    let user: TalkdeskUser;
    try {
      user = await talkdesk.fetchUserInfo(installation.links.userinfo, tokens.accessToken);
    } catch (error) {
      return fail(outboundFailure(error, 'userinfo', withInstallation));
    }
    const identified = { ...withInstallation, userId: user.userId };

    if (tokens.idToken) {
      const problem = idTokenProblem(tokens.idToken, { nonce: transaction.nonce, clientId: installation.clientId, userId: user.userId });
      if (problem) return fail({ code: ErrorCode.IdTokenInvalid, stage: 'token', ...identified, message: problem });
    }
    if (transaction.hintUserId && transaction.hintUserId !== user.userId) {
      // Identity comes from userinfo only; the hint is recorded, never used (checklist S06).
      await fail.record({ code: ErrorCode.HintMismatch, stage: 'callback', ...identified, message: 'the talkdesk_user_id hint differs from the signed-in user; continued as the userinfo user' });
    }

    if (config.enforceLicences) {
      let licensed: boolean;
      try {
        licensed = await store.installations.isLicensed(installation.installationId, user.userId);
      } catch {
        return fail({ code: ErrorCode.StoreUnavailable, stage: 'callback', ...identified });
      }
      if (!licensed) return fail({ code: ErrorCode.UserNotLicensed, stage: 'callback', ...identified });
    }

    const resolved = await resolveAppUser(deps.resolveUser, user, installation, logger);
    if ('refuse' in resolved) {
      return fail({ code: ErrorCode.UserRefused, stage: 'callback', ...identified, ...(resolved.refuse ? { detail: resolved.refuse } : {}) });
    }
    if ('error' in resolved) return fail({ code: ErrorCode.InternalError, stage: 'callback', ...identified, message: 'the resolveUser hook failed' });

    let issued;
    try {
      issued = await sessions.issue(
        {
          installationId: installation.installationId,
          accountId: installation.accountId,
          userId: user.userId,
          appUserId: resolved.appUserId,
          ...(user.name !== undefined ? { name: user.name } : {}),
          ...(user.email !== undefined ? { email: user.email } : {}),
          ...(tokens.sid !== undefined ? { sid: tokens.sid } : {}),
        },
        transaction.createdAt,
        request.headers,
      );
    } catch {
      return fail({ code: ErrorCode.StoreUnavailable, stage: 'session', ...identified });
    }
    if (issued.result === 'logged_out') return fail({ code: ErrorCode.LoggedOutDuringLogin, stage: 'session', ...identified });

    if (deps.onLogin) {
      try {
        await deps.onLogin({ user: issued.user, installation, talkdeskUser: user });
      } catch (error) {
        logger.error({ installationId: installation.installationId, error: (error as Error).message }, 'appconnect: onLogin hook threw');
      }
    }
    logger.info({ installationId: installation.installationId, userId: user.userId }, 'appconnect: user signed in');
    return redirectResponse(transaction.returnTo ?? config.afterLoginPath, config.frameAncestors, issued.setCookie);
  };
}
