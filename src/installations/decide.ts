import type {
  AppConnectEvent,
  AppCredentialsRotatedEvent,
  AppInstalledEvent,
  AppTrialEndedEvent,
  AppTrialExtendedEvent,
  AppTrialStartedEvent,
  AppUninstalledEvent,
  AppUpdatedEvent,
  UserLogoutEvent,
} from '../protocol/events.ts';
import { parseRfc3339 } from '../protocol/time.ts';
import type { EventDecision, InstallationRecord, OutboxPayload } from '../stores/types.ts';
import { SEALED_FIELDS } from '../talkdesk/installation-client.ts';
import { IgnoreReason, type DecideContext } from './types.ts';

/**
 * The installation lifecycle as pure functions (DESIGN.md section 2). Ordering fields of the record:
 * - `createdAt`: `created_at` of the app.installed that began the current incarnation; events older
 *   than it belong to an earlier incarnation and are ignored (an old uninstall never kills a re-install).
 * - `credentialsEventAt`: newest app.installed / app.credentials_rotated whose credentials are held.
 * - `lastEventAt`: newest app.installed / app.uninstalled / app.trial_* applied (trial ordering).
 * - `uninstalledAt`: tombstone; nothing older resurrects or changes the installation, and only a
 *   newer app.installed re-installs it.
 * Licences are ordered per user by the store (`licences.at`).
 */

const DEFAULT_WATERMARK_SKEW_MS = 5_000;

export function eventTime(event: AppConnectEvent): number {
  const t = parseRfc3339(event.created_at);
  if (t === undefined) throw new TypeError('event created_at is not RFC 3339'); // the schema guarantees it
  return t;
}

const ignore = (reason: IgnoreReason): EventDecision => ({ kind: 'ignore', reason });

/** Watermark of a revocation: the later of the event time and the receipt time (the event time capped at now + skew). */
export function revocationWatermark(createdAt: number, ctx: DecideContext): number {
  const skew = ctx.maxWatermarkSkewMs ?? DEFAULT_WATERMARK_SKEW_MS;
  return Math.max(ctx.now, Math.min(createdAt, ctx.now + skew));
}

function sealCredentials(
  installationId: string,
  data: AppInstalledEvent['data'] | AppCredentialsRotatedEvent['data'],
  ctx: DecideContext,
): Pick<InstallationRecord, 'clientId' | 'clientSecret' | 'privateKey' | 'publicKey' | 'keyId' | 'keyAlgorithm'> {
  return {
    clientId: data.client_id,
    clientSecret: ctx.sealer.seal(data.client_secret, installationId, SEALED_FIELDS.clientSecret),
    privateKey: ctx.sealer.seal(data.private_key, installationId, SEALED_FIELDS.privateKey),
    publicKey: data.public_key,
    keyId: data.key_id,
    keyAlgorithm: data.key_algorithm,
  };
}

/** Common guards for events other than app.installed on an existing, live installation. */
function guardLive(event: AppConnectEvent, current: InstallationRecord | undefined, t: number): EventDecision | InstallationRecord {
  if (!current) return ignore(IgnoreReason.UnknownInstallation);
  if (current.appId !== event.app_id) return ignore(IgnoreReason.AppMismatch);
  if (current.accountId !== event.data.account_id) return ignore(IgnoreReason.AccountMismatch);
  if (current.uninstalledAt !== undefined || current.state === 'uninstalled') return ignore(IgnoreReason.Uninstalled);
  if (t < current.createdAt) return ignore(IgnoreReason.OlderThanInstall);
  return current;
}

const isDecision = (v: EventDecision | InstallationRecord): v is EventDecision => 'kind' in v;

function decideInstalled(event: AppInstalledEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  const t = eventTime(event);
  const id = event.data.installation_id;
  if (current) {
    if (current.appId !== event.app_id) return ignore(IgnoreReason.AppMismatch);
    if (current.accountId !== event.data.account_id && current.uninstalledAt === undefined) return ignore(IgnoreReason.AccountMismatch);
    if (current.uninstalledAt !== undefined && t <= current.uninstalledAt) return ignore(IgnoreReason.Uninstalled);
    if (current.uninstalledAt === undefined && t <= current.createdAt) return ignore(IgnoreReason.OlderThanInstall);
  }
  const verdict = ctx.installVerdict ?? { approve: true };
  const live = current && current.uninstalledAt === undefined ? current : undefined;
  // A newer install of a live installation replaces its credentials unless a newer rotation is held.
  const credentials =
    live && live.credentialsEventAt >= t
      ? { clientId: live.clientId, clientSecret: live.clientSecret, privateKey: live.privateKey, publicKey: live.publicKey, keyId: live.keyId, keyAlgorithm: live.keyAlgorithm }
      : sealCredentials(id, event.data, ctx);
  const links = event._links;
  const installation: InstallationRecord = {
    installationId: id,
    appId: event.app_id,
    ...(event.app_version_id ? { appVersionId: event.app_version_id } : {}),
    accountId: event.data.account_id,
    accountName: event.data.account_name,
    state: verdict.approve ? 'pending' : 'rejected',
    ...(verdict.approve ? {} : { rejectReason: verdict.reason }),
    ...credentials,
    links: {
      root: links.root.href,
      self: links.self.href,
      authorization: links.authorization.href,
      tokens: links.tokens.href,
      userinfo: links.userinfo.href,
      ...(links.installation ? { installation: links.installation.href } : {}),
    },
    ...(live?.trial ? { trial: live.trial } : {}),
    ...(live?.adminContact ? { adminContact: live.adminContact } : {}),
    credentialsEventAt: Math.max(t, live?.credentialsEventAt ?? 0),
    lastEventAt: Math.max(t, live?.lastEventAt ?? 0),
    createdAt: t,
    updatedAt: ctx.now,
  };
  const ack: OutboxPayload = verdict.approve
    ? { kind: 'ack_installation', installationId: id, appId: event.app_id, state: 'approve' }
    : { kind: 'ack_installation', installationId: id, appId: event.app_id, state: 'reject', reason: verdict.reason };
  return { kind: 'apply', installation, outbox: [ack] };
}

function decideCredentialsRotated(event: AppCredentialsRotatedEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  const t = eventTime(event);
  const live = guardLive(event, current, t);
  if (isDecision(live)) return live;
  if (t <= live.credentialsEventAt) return ignore(IgnoreReason.StaleCredentials);
  const id = live.installationId;
  const installation: InstallationRecord = {
    ...live,
    ...sealCredentials(id, event.data, ctx),
    credentialsEventAt: t,
    updatedAt: ctx.now,
  };
  return {
    kind: 'apply',
    installation,
    outbox: [{ kind: 'ack_credentials', installationId: id, appId: event.app_id, clientId: event.data.client_id }],
  };
}

function decideUpdated(event: AppUpdatedEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  const t = eventTime(event);
  const live = guardLive(event, current, t);
  if (isDecision(live)) return live;
  const adding = event.data.users?.adding ?? [];
  const removing = event.data.users?.removing ?? [];
  const watermark = revocationWatermark(t, ctx);
  const outbox: OutboxPayload[] = removing.map((userId) => ({ kind: 'revoke_user_sessions', installationId: live.installationId, userId, watermark }));
  return { kind: 'apply', licences: { adding, removing, at: t }, outbox };
}

function decideUninstalled(event: AppUninstalledEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  const t = eventTime(event);
  const id = event.data.installation_id;
  const watermark = ctx.now;
  const revoke: OutboxPayload = { kind: 'revoke_installation_sessions', installationId: id, watermark };
  if (!current) {
    // Uninstall before install (out of order): a tombstone so the late install never resurrects it.
    const tombstone: InstallationRecord = {
      installationId: id,
      appId: event.app_id,
      accountId: event.data.account_id,
      accountName: event.data.account_name ?? '',
      state: 'uninstalled',
      clientId: '',
      keyId: '',
      keyAlgorithm: 'ES256',
      links: { root: event._links.root.href, self: event._links.self.href, authorization: '', tokens: '', userinfo: '' },
      credentialsEventAt: 0,
      lastEventAt: t,
      uninstalledAt: t,
      createdAt: t,
      updatedAt: ctx.now,
    };
    return { kind: 'apply', installation: tombstone, outbox: [revoke] };
  }
  if (current.appId !== event.app_id) return ignore(IgnoreReason.AppMismatch);
  if (current.accountId !== event.data.account_id) return ignore(IgnoreReason.AccountMismatch);
  if (current.uninstalledAt !== undefined) return ignore(IgnoreReason.Uninstalled);
  if (t < current.createdAt) return ignore(IgnoreReason.OlderThanInstall);
  const { rejectReason: _reason, ...rest } = current;
  const installation: InstallationRecord = {
    ...rest,
    state: 'uninstalled',
    uninstalledAt: t,
    lastEventAt: Math.max(t, current.lastEventAt),
    updatedAt: ctx.now,
  };
  // The uninstall is acknowledged with the installation's own client credentials, so the sealed
  // secrets are kept until the acknowledgement (or its last attempt) and crypto-shredded right after.
  const hasSecrets = current.clientSecret !== undefined || current.privateKey !== undefined;
  const ack: OutboxPayload[] = hasSecrets ? [{ kind: 'ack_uninstall', installationId: id, appId: current.appId }] : [];
  return { kind: 'apply', installation, outbox: [revoke, ...ack] };
}

/** Crypto-shred after an uninstall was acknowledged (or could not be): the sealed secrets leave the record. */
export function decideSecretsShredded(current: InstallationRecord | undefined, now: number): EventDecision {
  if (!current || current.state !== 'uninstalled') return ignore(IgnoreReason.NotPending);
  if (current.clientSecret === undefined && current.privateKey === undefined) return ignore(IgnoreReason.NothingToShred);
  const { clientSecret: _secret, privateKey: _key, ...rest } = current;
  return { kind: 'apply', installation: { ...rest, updatedAt: now } };
}

function decideTrial(
  event: AppTrialStartedEvent | AppTrialExtendedEvent | AppTrialEndedEvent,
  current: InstallationRecord | undefined,
  ctx: DecideContext,
): EventDecision {
  const t = eventTime(event);
  const live = guardLive(event, current, t);
  if (isDecision(live)) return live;
  if (t <= live.lastEventAt) return ignore(IgnoreReason.StaleTrial);
  const expiresAt = parseRfc3339(event.data.expires_at)!;
  const trial: InstallationRecord['trial'] =
    event.type === 'app.trial_ended'
      ? {
          state: 'ended',
          expiresAt,
          endedAt: parseRfc3339(event.data.ended_at)!,
          endedReason: event.data.ended_reason,
          endedBy: event.data.ended_by,
        }
      : { state: 'active', expiresAt };
  return { kind: 'apply', installation: { ...live, trial, lastEventAt: t, updatedAt: ctx.now } };
}

function decideLogout(event: UserLogoutEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  const t = eventTime(event);
  if (!current) return ignore(IgnoreReason.UnknownInstallation);
  if (current.appId !== event.app_id) return ignore(IgnoreReason.AppMismatch);
  if (current.accountId !== event.data.account_id) return ignore(IgnoreReason.AccountMismatch);
  if (current.uninstalledAt !== undefined) return ignore(IgnoreReason.Uninstalled);
  return {
    kind: 'apply',
    outbox: [{ kind: 'revoke_user_sessions', installationId: current.installationId, userId: event.data.user_id, watermark: revocationWatermark(t, ctx) }],
  };
}

/** Decides what an authenticated, parsed event does to its installation. Synchronous and pure (sealing aside). */
export function decideEvent(event: AppConnectEvent, current: InstallationRecord | undefined, ctx: DecideContext): EventDecision {
  switch (event.type) {
    case 'app.installed':
      return decideInstalled(event, current, ctx);
    case 'app.credentials_rotated':
      return decideCredentialsRotated(event, current, ctx);
    case 'app.updated':
      return decideUpdated(event, current, ctx);
    case 'app.uninstalled':
      return decideUninstalled(event, current, ctx);
    case 'app.trial_started':
    case 'app.trial_extended':
    case 'app.trial_ended':
      return decideTrial(event, current, ctx);
    case 'user.logout':
      return decideLogout(event, current, ctx);
  }
}

/** Types whose event needs a stored installation to mean anything; delivered before it, they are retried. */
export function needsKnownInstallation(type: AppConnectEvent['type']): boolean {
  return type !== 'app.installed' && type !== 'app.uninstalled' && type !== 'user.logout';
}

/** Decision of the worker once Talkdesk accepted `approve`: pending -> active (plus facts read from the Apps API). */
export function decideInstallationAcknowledged(
  current: InstallationRecord | undefined,
  ack: { clientId: string; now: number; adminContact?: string; licensedUsers?: readonly string[] },
): EventDecision {
  if (!current || current.state !== 'pending' || current.clientId !== ack.clientId) return ignore(IgnoreReason.NotPending);
  return {
    kind: 'apply',
    installation: {
      ...current,
      state: 'active',
      ...(ack.adminContact && !current.adminContact ? { adminContact: ack.adminContact } : {}),
      updatedAt: ack.now,
    },
    ...(ack.licensedUsers && ack.licensedUsers.length > 0 ? { licences: { adding: ack.licensedUsers, removing: [], at: current.createdAt } } : {}),
  };
}
