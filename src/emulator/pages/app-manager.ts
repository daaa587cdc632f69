import { KEY_ALGORITHMS } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import { deliveryView, installationView } from '../control/views.ts';
import { FAULT_ENDPOINTS } from '../faults.ts';
import { esc, layout } from './html.ts';

const API = '/emulator/api';

function post(action: string, label: string, fields = '', extra = ''): string {
  return `<form class="inline" method="post" action="${esc(action)}">${fields}<button type="submit"${extra}>${esc(label)}</button></form>`;
}
const hidden = (name: string, value: string) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;
const options = (items: { value: string; label: string }[]) => items.map((i) => `<option value="${esc(i.value)}">${esc(i.label)}</option>`).join('');

function accountsSection(core: EmulatorCore): string {
  const rows = core.accounts.list().map((a) => {
    const users = core.accounts.users(a.id).map((u) => `<li>${esc(u.name)} <span class="muted">&lt;${esc(u.email)}&gt; <code>${esc(u.id)}</code> · ${core.sessions.activeCount(u.id)} Talkdesk login(s)</span> ${post(`${API}/users/${u.id}/logout`, 'Sign out of Talkdesk')}</li>`).join('');
    return `<tr><td><strong>${esc(a.name)}</strong><br><code>${esc(a.id)}</code></td><td><ul>${users || '<li class="muted">no users</li>'}</ul>
<form method="post" action="${API}/accounts/${esc(a.id)}/users"><label>Name <input name="name" required></label><label>E-mail <input name="email" type="email" required></label><button type="submit">Add user</button></form></td></tr>`;
  });
  return `<section aria-labelledby="h-accounts"><h2 id="h-accounts">Accounts and users</h2>
<table><thead><tr><th scope="col">Account</th><th scope="col">Users</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="2" class="muted">none yet</td></tr>'}</tbody></table>
<form method="post" action="${API}/accounts"><label>New account name <input name="name" pattern="[a-z0-9][a-z0-9-]*" required></label><button type="submit">Create account</button></form></section>`;
}

function appsSection(core: EmulatorCore): string {
  const rows = core.apps.list().map((a) => `<tr><td>${esc(a.name)}<br><code>${esc(a.id)}</code></td><td>${esc(a.events_url)}</td><td>${esc(a.standalone_url)}</td><td>${esc(a.redirect_url)}</td></tr>`);
  return `<section aria-labelledby="h-apps"><h2 id="h-apps">Registered apps</h2>
<table><thead><tr><th scope="col">App</th><th scope="col">Events URL</th><th scope="col">Standalone URL</th><th scope="col">Redirect URL</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="4" class="muted">none yet</td></tr>'}</tbody></table>
<form method="post" action="${API}/apps"><label>Name <input name="name" required></label><label>Events URL <input name="events_url" type="url" required></label><label>Standalone URL <input name="standalone_url" type="url" required></label><label>Redirect URL <input name="redirect_url" type="url" required></label><button type="submit">Register app</button></form></section>`;
}

function installSection(core: EmulatorCore): string {
  const apps = core.apps.list();
  const accounts = core.accounts.list();
  if (!apps.length || !accounts.length) return '';
  return `<section aria-labelledby="h-install"><h2 id="h-install">Install an app</h2><form method="post" action="${API}/installations">
<label>App <select name="app_id">${options(apps.map((a) => ({ value: a.id, label: a.name })))}</select></label>
<label>Account <select name="account_id">${options(accounts.map((a) => ({ value: a.id, label: a.name })))}</select></label>
<label>Key algorithm <select name="key_algorithm">${options(KEY_ALGORITHMS.map((k) => ({ value: k, label: k })))}</select></label>
<label><input type="checkbox" name="trial"> Trial (starts on approval)</label><button type="submit">Install</button></form></section>`;
}

function installationsSection(core: EmulatorCore): string {
  const rows = core.installations.list().map((row) => {
    const v = installationView(core, row);
    const app = core.apps.get(row.app_id);
    const users = core.accounts.users(row.account_id);
    const live = row.state === 'pending' || row.state === 'completed';
    const launch = live
      ? users.map((u) => `<li><a href="/emulator/launch?installation_id=${esc(row.id)}&amp;user_id=${esc(u.id)}">Launch as ${esc(u.name)}</a>${v.users.includes(u.id) ? '' : ' <span class="muted">(unlicensed)</span>'}</li>`).join('')
      : '';
    const trial = v.trial ? `${esc(v.trial.state)} until ${esc(v.trial.expires_at)}` : 'none';
    const base = `${API}/installations/${row.id}`;
    const actions = live
      ? `<form method="post" action="${esc(base)}/licenses"><label>Add users <input name="adding" placeholder="user ids, comma separated"></label><label>Remove users <input name="removing"></label><button type="submit">Change licences</button></form>
${post(`${base}/rotate-credentials`, 'Rotate credentials')} ${post(`${base}/rotate-credentials`, 'Rotate (compromised)', hidden('compromised', 'true'))}
${post(`${base}/trial`, 'Start trial', hidden('action', 'start'))} ${post(`${base}/trial`, 'Extend trial', hidden('action', 'extend'))} ${post(`${base}/trial`, 'End trial', hidden('action', 'end'))}
${post(`${base}/uninstall`, 'Uninstall')}`
      : '';
    return `<tr><td>${esc(app?.name ?? row.app_id)} in <strong>${esc(v.account_name)}</strong><br><code>${esc(row.id)}</code></td>
<td>${esc(row.state)}${row.state_reason ? ` (${esc(row.state_reason)})` : ''}</td><td><code>${esc(v.client_id ?? '')}</code> ${esc(v.key_algorithm)}</td>
<td>${v.users.length} licensed · trial: ${trial}</td><td><ul>${launch}</ul>${actions}</td></tr>`;
  });
  return `<section aria-labelledby="h-inst"><h2 id="h-inst">Installed apps</h2><p class="muted">Click "Launch as" to open an app as that user, as Talkdesk's App Manager does.</p><table><thead><tr><th scope="col">Installation</th><th scope="col">State</th><th scope="col">Client</th><th scope="col">Licences</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.join('') || '<tr><td colspan="5" class="muted">none yet</td></tr>'}</tbody></table></section>`;
}

function faultsSection(core: EmulatorCore): string {
  const list = core.faults.list().map((f) => `<li>${esc(f.endpoint)}: status ${esc(f.status ?? '-')}, delay ${esc(f.delay_ms ?? 0)} ms, ${f.remaining} left</li>`).join('');
  return `<section aria-labelledby="h-faults"><h2 id="h-faults">Faults</h2><ul>${list || '<li class="muted">none</li>'}</ul>
<form method="post" action="${API}/faults"><label>Endpoint <select name="endpoint">${options(FAULT_ENDPOINTS.map((e) => ({ value: e, label: e })))}</select></label>
<label>Status <input name="status" type="number" min="100" max="599"></label><label>Delay (ms) <input name="delay_ms" type="number" min="0"></label><label>Times <input name="times" type="number" min="1" value="1"></label><button type="submit">Add fault</button></form>
${post(`${API}/faults/clear`, 'Clear faults')}</section>`;
}

function eventLogSection(core: EmulatorCore): string {
  const rows = core.events.list().reverse().slice(0, 200).map((row) => {
    const d = deliveryView(core, row);
    const attempts = d.attempts.map((a) => `<li class="${a.ok ? 'ok' : 'bad'}">#${a.n} ${esc(a.at)} · ${a.status_code ?? esc(a.error)} · ${a.duration_ms} ms</li>`).join('');
    return `<tr><td>${esc(d.created_at)}</td><td>${esc(d.type)}<br><code>${esc(d.event_id)}</code></td><td><code>${esc(d.installation_id)}</code></td>
<td>${esc(d.status)}${d.next_attempt_at && d.status === 'pending' ? `<br><span class="muted">next ${esc(d.next_attempt_at)}</span>` : ''}</td><td><ol>${attempts}</ol></td><td>${post(`${API}/events/${row.id}/redeliver`, 'Redeliver')}</td></tr>`;
  });
  return `<section aria-labelledby="h-events"><h2 id="h-events">Event log</h2><table><thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Installation</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>${rows.join('') || '<tr><td colspan="6" class="muted">no events yet</td></tr>'}</tbody></table></section>`;
}

/** GET / : the App Manager, server-rendered; every form posts to the control API. */
export function appManagerPage(core: EmulatorCore): string {
  const intro = `<p>Offline Talkdesk at <code>${esc(core.urls.origin)}</code> · API root <code>${esc(core.urls.apiRoot)}</code> · clock skew ${core.clock.skewSeconds} s</p>`;
  return layout(
    'Talkdesk emulator: App Manager',
    // Launching comes first, as in Talkdesk; set-up and test controls follow.
    intro + installationsSection(core) + accountsSection(core) + eventLogSection(core) + appsSection(core) + installSection(core) + faultsSection(core),
  );
}
