import type { FailureRecord, InstallationRecord, SessionRecord } from '../../src/stores/types.ts';
import type { SessionUser } from '../../src/index.ts';

/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccd;padding:.35rem .5rem;text-align:left;font-size:.9rem}
th{background:#eef}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.8rem;background:#dfd}.off{background:#fdd}code{font-size:.85rem}td code{word-break:break-all}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function homePage(user: SessionUser, accountName: string | undefined): string {
  return layout('Demo partner app', `<main><h1>Signed in with Talkdesk</h1>
<p><span class="badge" data-testid="status">signed in</span></p>
<dl>
<dt>Name</dt><dd data-testid="name">${esc(user.name)}</dd>
<dt>E-mail</dt><dd data-testid="email">${esc(user.email)}</dd>
<dt>Talkdesk user id</dt><dd data-testid="user-id"><code>${esc(user.userId)}</code></dd>
<dt>Account</dt><dd data-testid="account">${esc(accountName ?? '')} <code>${esc(user.accountId)}</code></dd>
<dt>Installation</dt><dd><code>${esc(user.installationId)}</code></dd>
<dt>Session ends at the latest</dt><dd>${esc(new Date(user.expiresAt).toISOString())}</dd>
</dl>
<form method="post" action="/logout"><button type="submit">Sign out of this app</button></form></main>`);
}

export function signedOutPage(): string {
  return layout('Signed out', `<main><h1>Signed out</h1>
<p><span class="badge off" data-testid="status">signed out</span></p>
<p>Open this app from Talkdesk: in Talkdesk, go to the App Manager (or your apps list) and click this app. You will be signed in
automatically with your Talkdesk account.</p></main>`);
}

export interface TroubleshootingData {
  installations: InstallationRecord[];
  sessions: Map<string, SessionRecord[]>;
  failures: FailureRecord[];
  now: number;
}

export function troubleshootingPage(data: TroubleshootingData): string {
  const installations = data.installations
    .map((i) => `<tr><td><code>${esc(i.installationId)}</code></td><td>${esc(i.accountName)}</td><td data-testid="state">${esc(i.state)}</td>
<td>${esc(i.keyAlgorithm)}</td><td>${i.trial ? esc(`${i.trial.state} until ${new Date(i.trial.expiresAt).toISOString()}`) : ''}</td>
<td>${esc(new Date(i.updatedAt).toISOString())}</td></tr>`)
    .join('');
  const sessions = [...data.sessions.entries()]
    .flatMap(([installationId, list]) => {
      const byUser = new Map<string, SessionRecord[]>();
      for (const s of list) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
      return [...byUser.entries()].map(([userId, userSessions]) => `<tr><td><code>${esc(installationId)}</code></td>
<td><code>${esc(userId)}</code></td><td>${esc(userSessions[0]?.name)}</td><td>${userSessions.length}</td>
<td>${esc(new Date(Math.max(...userSessions.map((s) => s.lastSeenAt))).toISOString())}</td></tr>`);
    })
    .join('');
  const failures = data.failures
    .map((f) => `<tr><td data-testid="reference-id"><code>${esc(f.referenceId)}</code></td><td>${esc(new Date(f.at).toISOString())}</td>
<td>${esc(f.stage)}</td><td><code>${esc(f.code)}</code></td><td><code>${esc(f.installationId ?? '')}</code></td>
<td><code>${esc(f.userId ?? f.hintUserId ?? '')}</code></td><td>${esc(f.message)}</td></tr>`)
    .join('');
  return layout('Troubleshooting', `<main><h1>Troubleshooting</h1>
<h2>Installations</h2><table><thead><tr><th>Installation</th><th>Account</th><th>State</th><th>Key</th><th>Trial</th><th>Updated</th></tr></thead>
<tbody>${installations || '<tr><td colspan="6">No installation yet.</td></tr>'}</tbody></table>
<h2>Active sessions per user</h2><table><thead><tr><th>Installation</th><th>Talkdesk user</th><th>Name</th><th>Sessions</th><th>Last seen</th></tr></thead>
<tbody>${sessions || '<tr><td colspan="5">No active session.</td></tr>'}</tbody></table>
<h2>Latest SSO failures</h2><table><thead><tr><th>Reference id</th><th>Time</th><th>Stage</th><th>Code</th><th>Installation</th><th>User</th><th>Reason</th></tr></thead>
<tbody>${failures || '<tr><td colspan="7">No failure recorded.</td></tr>'}</tbody></table>
<p>Generated ${esc(new Date(data.now).toISOString())}.</p></main>`);
}
