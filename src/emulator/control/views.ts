import type { EmulatorCore } from '../core.ts';
import type { EventRow } from '../state/events.ts';
import type { InstallationRow } from '../state/installations.ts';

/** JSON shapes of the control API's read routes (no secrets in any of them). */

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function accountView(core: EmulatorCore, accountId: string) {
  const account = core.accounts.get(accountId);
  if (!account) return undefined;
  return {
    account_id: account.id,
    account_name: account.name,
    users: core.accounts.users(account.id).map((u) => ({ user_id: u.id, name: u.name, email: u.email })),
  };
}

export function installationView(core: EmulatorCore, row: InstallationRow) {
  const account = core.accounts.get(row.account_id);
  const current = core.credentials.current(row.id);
  return {
    installation_id: row.id,
    app_id: row.app_id,
    account_id: row.account_id,
    account_name: account?.name ?? null,
    state: row.state,
    state_reason: row.state_reason,
    uninstall_acknowledged: row.uninstall_acknowledged === 1,
    client_id: current?.client_id ?? null,
    key_algorithm: current?.key_algorithm ?? row.key_algorithm,
    scopes: JSON.parse(row.scopes) as string[],
    users: core.installations.licensedUsers(row.id),
    trial: row.trial_state
      ? {
          state: row.trial_state,
          started_at: iso(row.trial_started_at),
          expires_at: iso(row.trial_expires_at),
          ended_at: iso(row.trial_ended_at),
          ended_reason: row.trial_ended_reason,
        }
      : null,
    credentials: core.credentials.forInstallation(row.id).map((c) => ({
      client_id: c.client_id,
      key_id: c.key_id,
      key_algorithm: c.key_algorithm,
      status: c.status,
      valid_until: iso(c.valid_until),
      acknowledged: c.acknowledged === 1,
    })),
    created_at: iso(row.created_at),
  };
}

export function deliveryView(core: EmulatorCore, row: EventRow, includeBody = false) {
  const attempts = core.events.attempts(row.id).map((a) => ({
    n: a.n,
    at: iso(a.started_at),
    duration_ms: a.duration_ms,
    status_code: a.status_code,
    error: a.error,
    ok: a.ok === 1,
  }));
  const last = attempts[attempts.length - 1];
  return {
    event_id: row.id,
    type: row.type,
    app_id: row.app_id,
    installation_id: row.installation_id,
    created_at: iso(row.created_at),
    status: row.status,
    next_attempt_at: iso(row.next_attempt_at),
    last_status: last ? (last.ok ? 'ok' : (last.error ?? `HTTP ${last.status_code}`)) : null,
    attempts,
    ...(includeBody ? { body: JSON.parse(row.body) as unknown } : {}),
  };
}
