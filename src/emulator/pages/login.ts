import type { AccountRow, UserRow } from '../state/accounts.ts';
import { esc, layout } from './html.ts';

/** Talkdesk ID login page of the emulator: pick one of the account's users (no password). */
export function loginPage(account: AccountRow, users: UserRow[], returnTo: string): string {
  const options = users
    .map((u, i) => `<p><label><input type="radio" name="user_id" value="${esc(u.id)}"${i === 0 ? ' checked' : ''}> ${esc(u.name)} <span class="muted">&lt;${esc(u.email)}&gt;</span></label></p>`)
    .join('');
  const body = users.length
    ? `<form method="post" action="/id/${esc(account.name)}/login"><fieldset><legend>Sign in to <strong>${esc(account.name)}</strong> as</legend>${options}</fieldset>
<input type="hidden" name="return_to" value="${esc(returnTo)}"><p><button type="submit">Sign in</button></p></form>`
    : '<p>This account has no users yet. Add one in the <a href="/">App Manager</a>.</p>';
  return layout('Talkdesk ID (emulator): sign in', `<section><h2>Sign in</h2>${body}</section>`);
}
