import type { SessionUser } from '../config/types.ts';
import { ErrorCode } from '../errors/index.ts';
import { failureMessage } from '../http/failure-messages.ts';
import { failurePageResponse, type FailurePageOverride } from '../http/failure-page.ts';
import { jsonResponse } from '../http/plain-responses.ts';
import { redirectResponse } from '../http/security-headers.ts';
import type { AppResponse } from '../http/types.ts';
import type { SessionCheck } from './session-manager.ts';

export interface RequireSessionContext {
  launchPath: string;
  supportContact: string;
  frameAncestors: readonly string[];
  pages: Readonly<Record<string, FailurePageOverride | undefined>>;
}

export type RequireSessionOutcome = { user: SessionUser; setCookie: string[] } | { response: AppResponse };

function wantsHtml(method: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && (accept === undefined || accept.includes('text/html') || accept.includes('*/*'));
}

/**
 * What to do with a request to a protected app route: let it through with the user, or answer. A
 * browser that signed in before (last-installation cookie) is sent through the launch URL again, which
 * re-runs SSO silently and comes back to the same path; API calls get 401 JSON.
 */
export function decideRequireSession(
  check: SessionCheck,
  request: { method: string; url: string; accept?: string },
  context: RequireSessionContext,
): RequireSessionOutcome {
  if (check.user) return { user: check.user, setCookie: check.setCookie };
  const code = check.reason === 'ended' ? ErrorCode.SessionExpired : ErrorCode.SessionMissing;
  if (!wantsHtml(request.method, request.accept)) {
    const response = jsonResponse(401, { error: code === ErrorCode.SessionExpired ? 'session_expired' : 'session_missing' }, context.frameAncestors);
    if (check.setCookie.length > 0) response.headers['set-cookie'] = check.setCookie;
    return { response };
  }
  if (check.lastInstallationId) {
    const params = new URLSearchParams({ talkdesk_installation_id: check.lastInstallationId });
    if (request.url.startsWith('/') && !request.url.startsWith('//') && request.url.length <= 512) params.set('return_to', request.url);
    return { response: redirectResponse(`${context.launchPath}?${params.toString()}`, context.frameAncestors, check.setCookie) };
  }
  const message = failureMessage(code);
  const response = failurePageResponse(
    { code, status: message.status, title: message.title, reason: message.reason, supportContact: context.supportContact, showLaunchAgain: true },
    context.frameAncestors,
    context.pages[code],
  );
  if (check.setCookie.length > 0) response.headers['set-cookie'] = check.setCookie;
  return { response };
}
