import type { z } from 'zod';
import { formatTalkdeskTime, generateKeyPairFor, newId24, newId32, parseRfc3339, type CredentialsData, type KeyAlgorithm } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';
import * as events from '../delivery/event-factory.ts';
import { apiError, ReplyError } from '../http/reply.ts';
import { randomToken, sha256Hex } from '../secrets.ts';
import type { InstallationRow } from '../state/installations.ts';
import {
  DEFAULT_INSTALLATION_SCOPES,
  type addUserSchema,
  type createAccountSchema,
  type createAppSchema,
  type installSchema,
  type licensesSchema,
  type rotateSchema,
  type trialSchema,
  type uninstallSchema,
} from './schemas.ts';

/**
 * What the App Manager and the control API can do. Every action checks everything first and throws a
 * `ReplyError` before any change; the changes and the events they emit are one SQLite transaction.
 */

const fail = (status: number, code: string, message: string, fields: { name: string; description: string }[] = []): never => {
  throw new ReplyError(apiError(status, code, message, fields));
};

export function subjectOf(core: EmulatorCore, installationId: string): events.EventSubject {
  const installation = core.installations.get(installationId) ?? fail(404, 'not_found', 'installation not found');
  const app = core.apps.get(installation.app_id) ?? fail(404, 'not_found', 'app not found');
  const account = core.accounts.get(installation.account_id) ?? fail(404, 'not_found', 'account not found');
  return { app, installation, account };
}

function requireLive(installation: InstallationRow): void {
  if (installation.state === 'uninstalled' || installation.state === 'rejected') {
    fail(409, 'conflict', `installation is ${installation.state}`);
  }
}

function requireUsersOf(core: EmulatorCore, accountId: string, userIds: readonly string[], field: string): void {
  const known = new Set(core.accounts.users(accountId).map((u) => u.id));
  const bad = userIds.filter((u) => !known.has(u));
  if (bad.length) fail(400, 'invalid_request', 'unknown users for this account', bad.map((u) => ({ name: field, description: `${u} is not a user of the account` })));
}

export function createApp(core: EmulatorCore, input: z.infer<typeof createAppSchema>) {
  const row = {
    id: newId32(),
    version_id: newId32(),
    name: input.name,
    version_name: input.version_name ?? '1.0.0',
    events_url: input.events_url,
    standalone_url: input.standalone_url,
    redirect_url: input.redirect_url,
    created_at: core.clock.now(),
  };
  core.apps.insert(row);
  return { app_id: row.id, app_version_id: row.version_id };
}

export function createAccount(core: EmulatorCore, input: z.infer<typeof createAccountSchema>) {
  if (core.accounts.byName(input.name)) fail(409, 'conflict', 'an account with this name exists', [{ name: 'name', description: 'already taken' }]);
  const id = newId24();
  core.accounts.insert({ id, name: input.name, created_at: core.clock.now() });
  return { account_id: id, account_name: input.name };
}

export function addUser(core: EmulatorCore, accountId: string, input: z.infer<typeof addUserSchema>) {
  if (!core.accounts.get(accountId)) fail(404, 'not_found', 'account not found');
  const id = newId24();
  core.accounts.insertUser({ id, account_id: accountId, name: input.name, email: input.email, created_at: core.clock.now() });
  return { user_id: id };
}

/** A fresh OAuth client for the installation: Base64 PKCS#8 private key (given away, never stored), SPKI public key. */
function issueCredentials(core: EmulatorCore, installation: InstallationRow, accountName: string, alg: KeyAlgorithm): CredentialsData {
  const pair = generateKeyPairFor(alg);
  const clientSecret = randomToken(32);
  const credentials: CredentialsData = {
    installation_id: installation.id,
    account_id: installation.account_id,
    account_name: accountName,
    client_id: newId32(),
    client_secret: clientSecret,
    private_key: pair.privateKey,
    public_key: pair.publicKey,
    key_id: newId32(),
    key_algorithm: alg,
  };
  core.credentials.insert({
    client_id: credentials.client_id,
    installation_id: installation.id,
    secret_hash: sha256Hex(clientSecret),
    key_id: credentials.key_id,
    key_algorithm: alg,
    public_key: pair.publicKey,
    status: 'current',
    valid_until: null,
    acknowledged: 0,
    created_at: core.clock.now(),
  });
  return credentials;
}

export function install(core: EmulatorCore, input: z.infer<typeof installSchema>) {
  const app = core.apps.get(input.app_id) ?? fail(404, 'not_found', 'app not found', [{ name: 'app_id', description: 'no such app' }]);
  const account = core.accounts.get(input.account_id) ?? fail(404, 'not_found', 'account not found', [{ name: 'account_id', description: 'no such account' }]);
  if (input.users) requireUsersOf(core, account.id, input.users, 'users');
  if (core.installations.activeFor(app.id, account.id)) fail(409, 'conflict', 'the app is already installed in this account');
  const now = core.clock.now();
  const alg = input.key_algorithm ?? 'ES256';
  const users = input.users ?? core.accounts.users(account.id).map((u) => u.id);
  const installation: InstallationRow = {
    id: newId32(),
    app_id: app.id,
    account_id: account.id,
    state: 'pending',
    state_reason: null,
    state_updated_at: now,
    scopes: JSON.stringify(input.scopes ?? DEFAULT_INSTALLATION_SCOPES),
    key_algorithm: alg,
    created_by: core.accounts.users(account.id)[0]?.id ?? null,
    created_at: now,
    trial_on_approve: input.trial ? 1 : 0,
    uninstall_acknowledged: 0,
    trial_state: null,
    trial_started_at: null,
    trial_expires_at: null,
    trial_ended_at: null,
    trial_ended_reason: null,
  };
  const result = core.tx(() => {
    core.installations.insert(installation);
    for (const u of users) core.installations.license(installation.id, u);
    const credentials = issueCredentials(core, installation, account.name, alg);
    const event = events.enqueueEvent(core, events.appInstalled(core, { app, installation, account }, credentials));
    return { installation_id: installation.id, client_id: credentials.client_id, event_id: event.id };
  });
  core.kick();
  return result;
}

export function changeLicenses(core: EmulatorCore, installationId: string, input: z.infer<typeof licensesSchema>) {
  const subject = subjectOf(core, installationId);
  requireLive(subject.installation);
  requireUsersOf(core, subject.account.id, [...input.adding, ...input.removing], 'users');
  const adding = [...new Set(input.adding)];
  const removing = [...new Set(input.removing)];
  const result = core.tx(() => {
    for (const u of adding) core.installations.license(installationId, u);
    for (const u of removing) core.installations.unlicense(installationId, u);
    const change = {
      ...(adding.length + removing.length ? { users: { adding, removing } } : {}),
      ...(input.subscription ? { subscription: input.subscription } : {}),
    };
    const event = events.enqueueEvent(core, events.appUpdated(core, subject, change));
    return { event_id: event.id, users: core.installations.licensedUsers(installationId) };
  });
  core.kick();
  return result;
}

export function rotateCredentials(core: EmulatorCore, installationId: string, input: z.infer<typeof rotateSchema>) {
  const subject = subjectOf(core, installationId);
  requireLive(subject.installation);
  const now = core.clock.now();
  const alg = (input.key_algorithm ?? core.credentials.current(installationId)?.key_algorithm ?? subject.installation.key_algorithm) as KeyAlgorithm;
  const result = core.tx(() => {
    const old = core.credentials.demoteCurrent(installationId, input.compromised ? null : now + core.config.credentialsGraceSeconds * 1000);
    if (input.compromised) for (const clientId of old) core.grants.revokeByClient(clientId, now);
    const credentials = issueCredentials(core, subject.installation, subject.account.name, alg);
    const event = events.enqueueEvent(core, events.credentialsRotated(core, subject, credentials));
    return { client_id: credentials.client_id, event_id: event.id };
  });
  core.kick();
  return result;
}

/** Starts the trial (used by the control API and by the approval of an installation created with `trial`). */
export function startTrial(core: EmulatorCore, subject: events.EventSubject): string {
  const now = core.clock.now();
  const expires = now + core.config.trialDays * 86_400_000;
  core.installations.setTrial(subject.installation.id, { state: 'active', started_at: now, expires_at: expires, ended_at: null, ended_reason: null });
  return events.enqueueEvent(core, events.trialEvent(core, 'app.trial_started', subject, formatTalkdeskTime(expires))).id;
}

function endTrial(core: EmulatorCore, subject: events.EventSubject, reason: string): string {
  const now = core.clock.now();
  core.installations.setTrial(subject.installation.id, {
    state: 'ended',
    started_at: subject.installation.trial_started_at,
    expires_at: subject.installation.trial_expires_at,
    ended_at: now,
    ended_reason: reason,
  });
  const at = formatTalkdeskTime(now);
  const ended = { expires_at: at, ended_at: at, ended_reason: reason, ended_by: reason === 'trial_expired' ? 'system' : 'user' };
  return events.enqueueEvent(core, events.trialEnded(core, subject, ended)).id;
}

export function trial(core: EmulatorCore, installationId: string, input: z.infer<typeof trialSchema>) {
  const subject = subjectOf(core, installationId);
  requireLive(subject.installation);
  const active = subject.installation.trial_state === 'active';
  if (input.action === 'start' && active) fail(409, 'conflict', 'a trial is already running');
  if (input.action !== 'start' && !active) fail(409, 'conflict', 'no trial is running');
  const now = core.clock.now();
  let newExpiry = 0;
  if (input.action === 'extend') {
    newExpiry = input.expires_at !== undefined
      ? parseRfc3339(input.expires_at)!
      : (subject.installation.trial_expires_at ?? now) + (input.days ?? core.config.trialDays) * 86_400_000;
    if (newExpiry <= (subject.installation.trial_expires_at ?? now)) fail(400, 'invalid_request', 'expires_at must be later than the current expiry', [{ name: 'expires_at', description: 'too early' }]);
  }
  const eventId = core.tx(() => {
    if (input.action === 'start') return startTrial(core, subject);
    if (input.action === 'end') return endTrial(core, subject, input.reason ?? 'trial_expired');
    core.installations.setTrial(installationId, { state: 'active', started_at: subject.installation.trial_started_at, expires_at: newExpiry, ended_at: null, ended_reason: null });
    return events.enqueueEvent(core, events.trialEvent(core, 'app.trial_extended', subject, formatTalkdeskTime(newExpiry))).id;
  });
  core.kick();
  return { event_id: eventId };
}

export function uninstall(core: EmulatorCore, installationId: string, input: z.infer<typeof uninstallSchema>) {
  const subject = subjectOf(core, installationId);
  if (subject.installation.state === 'uninstalled') fail(409, 'conflict', 'installation is already uninstalled');
  const now = core.clock.now();
  const result = core.tx(() => {
    const eventIds: string[] = [];
    if (subject.installation.trial_state === 'active') eventIds.push(endTrial(core, subject, 'app_uninstalled'));
    core.installations.setState(installationId, 'uninstalled', null, now);
    core.grants.revokeByInstallation(installationId, now);
    const reason = input.reason ?? { type: 'other', message: 'Uninstalled from the emulator App Manager' };
    eventIds.push(events.enqueueEvent(core, events.appUninstalled(core, subject, reason)).id);
    return { event_id: eventIds[eventIds.length - 1]!, event_ids: eventIds };
  });
  core.kick();
  return result;
}

/** Ends every Talkdesk login of the user, revokes what those logins issued, sends user.logout. */
export function logout(core: EmulatorCore, userId: string) {
  const user = core.accounts.user(userId) ?? fail(404, 'not_found', 'user not found');
  const now = core.clock.now();
  const result = core.tx(() => {
    const sids = core.sessions.endAllOf(userId, now);
    for (const sid of sids) core.grants.revokeBySid(sid, now);
    const eventIds: string[] = [];
    for (const installation of core.installations.byAccount(user.account_id)) {
      if (installation.state !== 'pending' && installation.state !== 'completed') continue;
      const subject = subjectOf(core, installation.id);
      eventIds.push(events.enqueueEvent(core, events.userLogout(core, subject, user)).id);
    }
    return { ended_sessions: sids.length, event_ids: eventIds };
  });
  core.kick();
  return result;
}

/** Starts a Talkdesk ID login for the user; returns the secret cookie value and the public sid. */
export function login(core: EmulatorCore, userId: string): { cookie: string; sid: string } {
  const cookie = randomToken(32);
  const sid = newId32();
  core.sessions.insert({ sid, cookie_hash: sha256Hex(cookie), user_id: userId, created_at: core.clock.now(), ended_at: null });
  return { cookie, sid };
}
