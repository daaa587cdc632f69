import { HEX24, HEX32 } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { cookieHeader, readCookie } from '../http/cookies.ts';
import { html, redirect, type Reply } from '../http/reply.ts';
import type { RouteContext } from '../http/router.ts';
import { errorPage } from '../pages/html.ts';
import { sha256Hex } from '../secrets.ts';
import { login } from './actions.ts';

export const LOGIN_COOKIE = 'td_emulator_login';

/** The browser's live Talkdesk ID login, if any. */
export function currentLogin(core: EmulatorCore, ctx: RouteContext) {
  const cookie = readCookie(ctx.req, LOGIN_COOKIE);
  if (!cookie || cookie.length > 200) return undefined;
  return core.sessions.activeByCookieHash(sha256Hex(cookie));
}

/** Logs the browser in as the user (reusing its login when it is already that user's). */
export function loginCookieFor(core: EmulatorCore, ctx: RouteContext, userId: string): string | undefined {
  const existing = currentLogin(core, ctx);
  if (existing?.user_id === userId) return undefined;
  if (existing) core.sessions.end(existing.sid, core.clock.now());
  const { cookie } = login(core, userId);
  return cookieHeader(LOGIN_COOKIE, cookie, { secure: core.urls.origin.startsWith('https:') });
}

/** GET /emulator/launch?installation_id=&user_id= : what clicking the app's icon in Talkdesk does. */
export function launch(core: EmulatorCore, ctx: RouteContext): Reply {
  const installationId = ctx.url.searchParams.get('installation_id') ?? '';
  const userId = ctx.url.searchParams.get('user_id') ?? '';
  if (!HEX32.test(installationId) || !HEX24.test(userId)) return html(400, errorPage('Bad launch request', 'installation_id (32 hex) and user_id (24 hex) are required.'));
  const installation = core.installations.get(installationId);
  const app = installation && core.apps.get(installation.app_id);
  if (!installation || !app) return html(404, errorPage('Unknown installation', 'No installation has this id.'));
  if (installation.state === 'uninstalled' || installation.state === 'rejected') {
    return html(409, errorPage('App not available', `This installation is ${installation.state}.`));
  }
  const user = core.accounts.user(userId);
  if (!user || user.account_id !== installation.account_id) return html(400, errorPage('Unknown user', 'The user does not belong to the installation’s account.'));
  const setCookie = loginCookieFor(core, ctx, userId);
  const target = new URL(app.standalone_url);
  target.searchParams.set('talkdesk_installation_id', installation.id);
  target.searchParams.set('talkdesk_user_id', user.id);
  return redirect(target.href, 302, setCookie ? { 'set-cookie': setCookie } : {});
}
