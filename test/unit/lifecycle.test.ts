import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideEvent, decideInstallationAcknowledged, decideSecretsShredded, IgnoreReason, type DecideContext } from '../../src/installations/index.ts';
import type { EventDecision, InstallationRecord } from '../../src/stores/types.ts';
import { hex, parsed, rawInstalled, rawLogout, rawRotated, rawTrial, rawUninstalled, rawUpdated, testSealer } from '../events/event-builders.ts';

const sealer = testSealer();
const T0 = Date.parse('2026-01-01T00:00:00Z');
const min = 60_000;
const ctx = (extra: Partial<DecideContext> = {}): DecideContext => ({ sealer, now: T0 + 60 * min, ...extra });

function applied(d: EventDecision): Extract<EventDecision, { kind: 'apply' }> {
  assert.equal(d.kind, 'apply', d.kind === 'ignore' ? `ignored: ${d.reason}` : '');
  return d as Extract<EventDecision, { kind: 'apply' }>;
}
function ignored(d: EventDecision, reason: string) {
  assert.deepEqual(d, { kind: 'ignore', reason });
}

/** Applies a sequence of events like a store would (installation only). */
function run(events: unknown[], c = ctx()): InstallationRecord | undefined {
  let current: InstallationRecord | undefined;
  for (const raw of events) {
    const d = decideEvent(parsed(raw), current, c);
    if (d.kind === 'apply' && d.installation) current = d.installation;
  }
  return current;
}

const inst = hex(16);

test('app.installed creates a pending installation with sealed secrets and queues approve', () => {
  const raw = rawInstalled({ installationId: inst, at: T0, secret: 'the-secret' });
  const d = applied(decideEvent(parsed(raw), undefined, ctx()));
  const rec = d.installation!;
  assert.equal(rec.state, 'pending');
  assert.equal(rec.createdAt, T0);
  assert.equal(rec.credentialsEventAt, T0);
  assert.ok(!JSON.stringify(rec).includes('the-secret'));
  assert.ok(!JSON.stringify(rec).includes(raw.data.private_key));
  assert.equal(sealer.open(rec.clientSecret!, inst, 'client_secret'), 'the-secret');
  assert.equal(sealer.open(rec.privateKey!, inst, 'private_key'), raw.data.private_key);
  assert.throws(() => sealer.open(rec.clientSecret!, hex(16), 'client_secret'));
  assert.equal(rec.links.tokens, 'https://starship.talkdeskid.com/oauth/token');
  assert.deepEqual(d.outbox, [{ kind: 'ack_installation', installationId: inst, appId: raw.app_id, state: 'approve' }]);
});

test('app.installed rejected by the hook: state rejected, reject ack with the reason', () => {
  const d = applied(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 })), undefined, ctx({ installVerdict: { approve: false, reason: 'no seats' } })));
  assert.equal(d.installation!.state, 'rejected');
  assert.equal(d.installation!.rejectReason, 'no seats');
  assert.deepEqual(d.outbox?.[0], { kind: 'ack_installation', installationId: inst, appId: d.installation!.appId, state: 'reject', reason: 'no seats' });
});

test('an older app.installed never overwrites a newer one; a newer one replaces credentials and re-acks', () => {
  const newer = run([rawInstalled({ installationId: inst, at: T0 + 10 * min, clientId: 'c-new' })])!;
  ignored(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0, clientId: 'c-old' })), newer, ctx()), IgnoreReason.OlderThanInstall);
  const d = applied(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 + 20 * min, clientId: 'c-newest' })), newer, ctx()));
  assert.equal(d.installation!.clientId, 'c-newest');
  assert.equal(d.outbox?.[0]?.kind, 'ack_installation');
});

test('credentials rotation swaps all credentials at once and queues ack_credentials; an older one is ignored', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0, clientId: 'c1' })])!;
  const rot = rawRotated({ installationId: inst, at: T0 + 5 * min, clientId: 'c2', secret: 's2' });
  const d = applied(decideEvent(parsed(rot), rec, ctx()));
  const next = d.installation!;
  assert.equal(next.clientId, 'c2');
  assert.equal(next.keyAlgorithm, 'PS256');
  assert.equal(next.keyId, rot.data.key_id);
  assert.equal(sealer.open(next.clientSecret!, inst, 'client_secret'), 's2');
  assert.equal(sealer.open(next.privateKey!, inst, 'private_key'), rot.data.private_key);
  assert.equal(next.credentialsEventAt, T0 + 5 * min);
  assert.deepEqual(d.outbox, [{ kind: 'ack_credentials', installationId: inst, appId: rot.app_id, clientId: 'c2' }]);
  ignored(decideEvent(parsed(rawRotated({ installationId: inst, at: T0 + 4 * min })), next, ctx()), IgnoreReason.StaleCredentials);
  // A late app.installed newer than the install but older than the rotation keeps the rotated credentials.
  const late = applied(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 + 2 * min, clientId: 'c-late' })), { ...next, createdAt: T0 }, ctx()));
  assert.equal(late.installation!.clientId, 'c2');
});

test('app.updated: licences with the event time, sessions of removed users revoked', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0 })])!;
  const [u1, u2] = [hex(12), hex(12)];
  const d = applied(decideEvent(parsed(rawUpdated({ installationId: inst, at: T0 + min, adding: [u1], removing: [u2] })), rec, ctx()));
  assert.deepEqual(d.licences, { adding: [u1], removing: [u2], at: T0 + min });
  assert.deepEqual(d.outbox, [{ kind: 'revoke_user_sessions', installationId: inst, userId: u2, watermark: T0 + 60 * min }]);
  assert.equal(d.installation, undefined);
});

test('trial events: recorded in order, a late older one ignored', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0 })])!;
  const started = applied(decideEvent(parsed(rawTrial({ installationId: inst, at: T0 + min, kind: 'started', expiresAt: T0 + 30 * 86_400_000 })), rec, ctx())).installation!;
  assert.deepEqual(started.trial, { state: 'active', expiresAt: T0 + 30 * 86_400_000 });
  const ended = applied(decideEvent(parsed(rawTrial({ installationId: inst, at: T0 + 3 * min, kind: 'ended', expiresAt: T0 + 3 * min })), started, ctx())).installation!;
  assert.equal(ended.trial?.state, 'ended');
  assert.equal(ended.trial?.endedReason, 'trial_expired');
  ignored(decideEvent(parsed(rawTrial({ installationId: inst, at: T0 + 2 * min, kind: 'extended', expiresAt: T0 + 60 * 86_400_000 })), ended, ctx()), IgnoreReason.StaleTrial);
});

test('app.uninstalled: tombstone, sessions revoked, acknowledged, then secrets shredded; nothing older resurrects it', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0 })])!;
  const d = applied(decideEvent(parsed(rawUninstalled({ installationId: inst, at: T0 + 10 * min })), rec, ctx()));
  const pendingAck = d.installation!;
  assert.equal(pendingAck.state, 'uninstalled');
  assert.equal(pendingAck.uninstalledAt, T0 + 10 * min);
  // The secrets stay sealed only until the acknowledgement, which needs the installation's credentials.
  assert.equal(pendingAck.clientSecret, rec.clientSecret);
  assert.deepEqual(d.outbox, [
    { kind: 'revoke_installation_sessions', installationId: inst, watermark: T0 + 60 * min },
    { kind: 'ack_uninstall', installationId: inst, appId: rec.appId },
  ]);
  const tomb = applied(decideSecretsShredded(pendingAck, T0 + 61 * min)).installation!;
  assert.equal(tomb.clientSecret, undefined);
  assert.equal(tomb.privateKey, undefined);
  assert.equal(tomb.state, 'uninstalled');
  ignored(decideSecretsShredded(tomb, T0 + 62 * min), IgnoreReason.NothingToShred);
  ignored(decideSecretsShredded(rec, T0 + 62 * min), IgnoreReason.NotPending);
  // install replayed after the uninstall, and every other type, are ignored
  ignored(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 + 10 * min })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawRotated({ installationId: inst, at: T0 + 11 * min })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawUpdated({ installationId: inst, at: T0 + 11 * min, adding: [hex(12)] })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawTrial({ installationId: inst, at: T0 + 11 * min, kind: 'started', expiresAt: T0 })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawLogout({ installationId: inst, at: T0 + 11 * min, userId: hex(12) })), tomb, ctx()), IgnoreReason.Uninstalled);
  ignored(decideEvent(parsed(rawUninstalled({ installationId: inst, at: T0 + 12 * min })), tomb, ctx()), IgnoreReason.Uninstalled);
  // a newer install re-installs
  const again = applied(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 + 20 * min })), tomb, ctx())).installation!;
  assert.equal(again.state, 'pending');
  assert.equal(again.uninstalledAt, undefined);
  // and an old uninstall replayed after the re-install is ignored
  ignored(decideEvent(parsed(rawUninstalled({ installationId: inst, at: T0 + 10 * min })), again, ctx()), IgnoreReason.OlderThanInstall);
});

test('out of order: uninstall (t2) before install (t1) leaves a tombstone the install cannot pass', () => {
  const final = run([rawUninstalled({ installationId: inst, at: T0 + 5 * min }), rawInstalled({ installationId: inst, at: T0 })]);
  assert.equal(final?.state, 'uninstalled');
  assert.equal(final?.clientSecret, undefined);
  assert.equal(final?.uninstalledAt, T0 + 5 * min);
});

test('out of order pairs give the same final state in either order', () => {
  const a = rawInstalled({ installationId: inst, at: T0, clientId: 'c1' });
  const b = rawRotated({ installationId: inst, at: T0 + min, clientId: 'c2' });
  const c = rawTrial({ installationId: inst, at: T0 + 2 * min, kind: 'started', expiresAt: T0 + 100 * min });
  const u = rawUninstalled({ installationId: inst, at: T0 + 3 * min });
  const strip = (r: InstallationRecord | undefined) => r && { state: r.state, clientId: r.clientId, trial: r.trial, uninstalledAt: r.uninstalledAt, lastEventAt: r.lastEventAt };
  assert.deepEqual(strip(run([a, c, b])), strip(run([a, b, c])));
  assert.equal(run([a, b, c])?.clientId, 'c2');
  // Compared once the worker has acknowledged the uninstall and shredded the secrets.
  const shredded = (r: InstallationRecord | undefined) => {
    const d = r && decideSecretsShredded(r, T0 + 10 * min);
    return d?.kind === 'apply' && d.installation ? d.installation : r;
  };
  const tomb = (r: InstallationRecord | undefined) => {
    const s = shredded(r);
    return s && { state: s.state, secret: s.clientSecret, key: s.privateKey, uninstalledAt: s.uninstalledAt };
  };
  assert.deepEqual(tomb(run([a, b, u])), tomb(run([u, a, b])));
  assert.equal(tomb(run([u, a, b]))?.secret, undefined);
  assert.deepEqual(strip(run([a, u, a])), strip(run([a, u])));
});

test('user.logout: revoke the user with watermark max(created_at, receipt), capped against a fast sender clock', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0 })])!;
  const user = hex(12);
  const now = T0 + 60 * min;
  const old = applied(decideEvent(parsed(rawLogout({ installationId: inst, at: T0 + min, userId: user })), rec, ctx()));
  assert.deepEqual(old.outbox, [{ kind: 'revoke_user_sessions', installationId: inst, userId: user, watermark: now }]);
  const ahead = applied(decideEvent(parsed(rawLogout({ installationId: inst, at: now + 2_000, userId: user })), rec, ctx()));
  assert.equal(ahead.outbox?.[0]?.kind === 'revoke_user_sessions' && ahead.outbox[0].watermark, now + 2_000);
  const farAhead = applied(decideEvent(parsed(rawLogout({ installationId: inst, at: now + 3_600_000, userId: user })), rec, ctx()));
  assert.equal(farAhead.outbox?.[0]?.kind === 'revoke_user_sessions' && farAhead.outbox[0].watermark, now + 5_000);
});

test('tenant mismatches are no-ops: other account, other app, unknown installation', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0 })])!;
  ignored(decideEvent(parsed(rawLogout({ installationId: inst, at: T0 + min, userId: hex(12), accountId: hex(12) })), rec, ctx()), IgnoreReason.AccountMismatch);
  ignored(decideEvent(parsed(rawUpdated({ installationId: inst, at: T0 + min, appId: hex(16) })), rec, ctx()), IgnoreReason.AppMismatch);
  ignored(decideEvent(parsed(rawRotated({ installationId: inst, at: T0 + min, accountId: hex(16) })), rec, ctx()), IgnoreReason.AccountMismatch);
  ignored(decideEvent(parsed(rawUpdated({ installationId: inst, at: T0 + min })), undefined, ctx()), IgnoreReason.UnknownInstallation);
  ignored(decideEvent(parsed(rawLogout({ installationId: inst, at: T0 + min, userId: hex(12) })), undefined, ctx()), IgnoreReason.UnknownInstallation);
  ignored(decideEvent(parsed(rawInstalled({ installationId: inst, at: T0 + min, appId: hex(16) })), rec, ctx()), IgnoreReason.AppMismatch);
});

test('acknowledged approve: pending -> active once, with admin contact and licensed users', () => {
  const rec = run([rawInstalled({ installationId: inst, at: T0, clientId: 'c1' })])!;
  const u = hex(12);
  const d = applied(decideInstallationAcknowledged(rec, { clientId: 'c1', now: T0 + min, adminContact: 'admin@example.com', licensedUsers: [u] }));
  assert.equal(d.installation!.state, 'active');
  assert.equal(d.installation!.adminContact, 'admin@example.com');
  assert.deepEqual(d.licences, { adding: [u], removing: [], at: T0 });
  ignored(decideInstallationAcknowledged(d.installation, { clientId: 'c1', now: T0 }), IgnoreReason.NotPending);
  ignored(decideInstallationAcknowledged(rec, { clientId: 'other', now: T0 }), IgnoreReason.NotPending);
});
