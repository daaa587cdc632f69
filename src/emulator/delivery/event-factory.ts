import { apiPaths, appConnectEventSchema, newId32, type AppConnectEvent, type CredentialsData, type EventType } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import type { AccountRow } from '../state/accounts.ts';
import type { AppRow } from '../state/apps.ts';
import type { InstallationRow } from '../state/installations.ts';

export interface EventSubject {
  app: AppRow;
  installation: InstallationRow;
  account: AccountRow;
}

type Links = Record<string, { href: string }>;

/** Builds the envelope and `_links` of an event, per the reference (links point at the emulator). */
function build(core: EmulatorCore, type: EventType, subject: EventSubject, data: Record<string, unknown>, extraLinks: Links = {}): Record<string, unknown> {
  const id = newId32();
  const { urls } = core;
  const { app, installation } = subject;
  const withVersion = type !== 'user.logout';
  const withVersionName = type === 'app.installed' || type === 'app.updated' || type === 'app.uninstalled' || type === 'app.credentials_rotated';
  return {
    id,
    created_at: new Date(core.clock.now()).toISOString(),
    api_version: '1',
    type,
    app_id: app.id,
    ...(withVersion ? { app_version_id: app.version_id } : {}),
    ...(withVersionName ? { app_version_name: app.version_name } : {}),
    data,
    _links: {
      root: { href: urls.apiRoot },
      self: { href: urls.api(apiPaths.event(app.id, id)) },
      installation: { href: urls.api(apiPaths.installation(app.id, installation.id)) },
      ...extraLinks,
    },
  };
}

export function appInstalled(core: EmulatorCore, s: EventSubject, credentials: CredentialsData): Record<string, unknown> {
  return build(core, 'app.installed', s, { ...credentials }, {
    userinfo: { href: core.urls.api(apiPaths.userinfo()) },
    authorization: { href: core.urls.authorize(s.account.name) },
    tokens: { href: core.urls.token(s.account.name) },
  });
}

export function credentialsRotated(core: EmulatorCore, s: EventSubject, credentials: CredentialsData): Record<string, unknown> {
  return build(core, 'app.credentials_rotated', s, { ...credentials });
}

export function appUpdated(core: EmulatorCore, s: EventSubject, change: { users?: { adding: string[]; removing: string[] }; subscription?: Record<string, unknown> }): Record<string, unknown> {
  return build(core, 'app.updated', s, {
    installation_id: s.installation.id,
    account_id: s.account.id,
    account_name: s.account.name,
    ...(change.users ? { users: change.users } : {}),
    ...(change.subscription ? { subscription: change.subscription } : {}),
  });
}

export function appUninstalled(core: EmulatorCore, s: EventSubject, reason: { type: string; message: string }): Record<string, unknown> {
  return build(core, 'app.uninstalled', s, {
    installation_id: s.installation.id,
    account_id: s.account.id,
    account_name: s.account.name,
    reason,
  });
}

export function trialEvent(core: EmulatorCore, type: 'app.trial_started' | 'app.trial_extended', s: EventSubject, expiresAt: string): Record<string, unknown> {
  return build(core, type, s, { installation_id: s.installation.id, account_id: s.account.id, expires_at: expiresAt });
}

export function trialEnded(core: EmulatorCore, s: EventSubject, t: { expires_at: string; ended_at: string; ended_reason: string; ended_by: string }): Record<string, unknown> {
  return build(core, 'app.trial_ended', s, { installation_id: s.installation.id, account_id: s.account.id, ...t });
}

export function userLogout(core: EmulatorCore, s: EventSubject, user: { id: string; email: string }): Record<string, unknown> {
  return build(
    core,
    'user.logout',
    s,
    { account_id: s.account.id, user_id: user.id, user_email: user.email, installation_id: s.installation.id },
    { user: { href: core.urls.api(apiPaths.user(user.id)) } },
  );
}

/**
 * Validates the event against the protocol schemas and stores it in the outbox (inside the caller's
 * transaction). An invalid event is a bug: it throws and nothing is stored.
 */
export function enqueueEvent(core: EmulatorCore, event: Record<string, unknown>): AppConnectEvent {
  const parsed = appConnectEventSchema.safeParse(event);
  if (!parsed.success) throw new Error(`emulator built an invalid ${String(event.type)} event: ${parsed.error.message}`);
  const installationId = parsed.data.data.installation_id;
  const now = core.clock.now();
  core.events.insert({
    id: parsed.data.id,
    app_id: parsed.data.app_id,
    installation_id: installationId,
    type: parsed.data.type,
    body: JSON.stringify(event),
    created_at: now,
    status: core.isPaused(installationId) ? 'held' : 'pending',
    next_attempt_at: now,
  });
  return parsed.data;
}
