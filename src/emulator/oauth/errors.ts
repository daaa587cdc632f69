import { html, json, redirect, type Reply } from '../http/reply.ts';
import { errorPage } from '../pages/html.ts';

/** RFC 6749 section 5.2 error body of the token endpoint. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error, error_description: description }, { pragma: 'no-cache', ...headers });
}

/** RFC 6749 section 4.1.2.1: errors go back to a valid redirect URI, with `state`. */
export function authorizeErrorRedirect(redirectUri: string, error: string, description: string, state: string | null): Reply {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== null) url.searchParams.set('state', state);
  return redirect(url.href);
}

/** When the client or redirect URI is not valid the user must not be redirected: a page instead. */
export function authorizeErrorPage(status: number, error: string, description: string): Reply {
  return html(status, errorPage(`Talkdesk ID: ${error}`, description));
}
