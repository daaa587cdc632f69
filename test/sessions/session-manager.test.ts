import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Base64Url } from '../../src/crypto/index.ts';
import { createCookiePolicy } from '../../src/sessions/cookie-policy.ts';
import { createSessionManager, type NewSession } from '../../src/sessions/session-manager.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { createSqliteStore } from '../../src/stores/sqlite/index.ts';
import type { Store } from '../../src/stores/types.ts';
import { silentLogger } from '../../src/telemetry/index.ts';

const INSTALLATION = 'a'.repeat(32);
const USER = 'b'.repeat(24);
const session = (overrides: Partial<NewSession> = {}): NewSession => ({ installationId: INSTALLATION, accountId: 'c'.repeat(24), userId: USER, appUserId: 'app-1', name: 'Ana', ...overrides });

async function setup(cacheTtlMs = 0, store: Store = createMemoryStore()) {
  let now = Date.parse('2025-01-01T00:00:00Z');
  const cookies = createCookiePolicy({ secure: true, sameSite: 'lax', namePrefix: 'appconnect', callbackPath: '/appconnect/callback' });
  const manager = await createSessionManager({ store, cookies, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3_600_000, touchIntervalMs: 60_000, cacheTtlMs, clock: () => now, logger: silentLogger });
  async function login(headers: Record<string, string> = {}, startedAt = now) {
    const issued = await manager.issue(session(), startedAt, headers);
    assert.equal(issued.result, 'created');
    if (issued.result !== 'created') throw new Error('unreachable');
    const cookie = issued.setCookie.map((c) => c.split(';')[0]).join('; ');
    return { cookie, id: /__Host-appconnect-session=([^;]+)/.exec(cookie)![1]!, setCookie: issued.setCookie };
  }
  return { store, manager, login, advance: (ms: number) => (now += ms), now: () => now };
}

test('a new session: 256-bit opaque id, only its hash stored, the user returned, a last-installation cookie', async () => {
  const { store, manager, login } = await setup();
  const { cookie, id, setCookie } = await login();
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(await store.sessions.get(sha256Base64Url(id)));
  assert.equal(await store.sessions.get(id), undefined);
  assert.match(setCookie[0]!, /; Path=\/; Max-Age=1800; HttpOnly; Secure; SameSite=Lax$/);
  assert.match(setCookie[1]!, new RegExp(`^__Host-appconnect-installation=${INSTALLATION}; Path=/`));
  const check = await manager.check({ cookie });
  assert.equal(check.user?.appUserId, 'app-1');
  assert.equal(check.user?.userId, USER);
  assert.equal(check.user?.name, 'Ana');
  assert.deepEqual(check.setCookie, []);
});

test('L03: idle expiry, sliding renewal at most once a minute (with a cookie refresh), absolute expiry', async () => {
  const { manager, login, advance } = await setup();
  const { cookie } = await login();
  advance(30_000);
  assert.deepEqual((await manager.check({ cookie })).setCookie, [], 'no write within the touch interval');
  advance(31_000);
  const renewed = await manager.check({ cookie });
  assert.ok(renewed.user);
  assert.match(renewed.setCookie[0]!, /Max-Age=1800/);
  // Keep it active past the idle limit: still valid thanks to renewal.
  for (let i = 0; i < 3; i += 1) {
    advance(20 * 60_000);
    assert.ok((await manager.check({ cookie })).user);
  }
  advance(31 * 60_000);
  const idle = await manager.check({ cookie });
  assert.equal(idle.user, undefined);
  assert.equal(idle.reason, 'ended');
  assert.match(idle.setCookie[0]!, /Max-Age=0/);
  assert.equal(idle.lastInstallationId, INSTALLATION, 'so requireSession can re-run SSO silently');

  const { cookie: second } = await login();
  for (let i = 0; i < 25; i += 1) {
    advance(29 * 60_000);
    if (!(await manager.check({ cookie: second })).user) break;
  }
  assert.equal((await manager.check({ cookie: second })).user, undefined, 'absolute lifetime (12 h) enforced despite activity');
});

test('L04: unknown, garbled, duplicated or oversized session cookies are no session, never an error', async () => {
  const { manager, login } = await setup();
  const { id } = await login();
  for (const cookie of [`__Host-appconnect-session=${'A'.repeat(43)}`, '__Host-appconnect-session=garbage', `__Host-appconnect-session=${id.slice(0, 20)}`, `__Host-appconnect-session=${id}; __Host-appconnect-session=${id}`, `__Host-appconnect-session=${id}${'x'.repeat(5000)}`]) {
    const check = await manager.check({ cookie });
    assert.equal(check.user, undefined, cookie.slice(0, 60));
  }
  assert.equal((await manager.check({})).reason, 'missing');
});

test('L01: a login issues a fresh id and deletes the session this browser had before', async () => {
  const { manager, login } = await setup();
  const first = await login();
  const second = await login({ cookie: first.cookie });
  assert.notEqual(first.id, second.id);
  assert.equal((await manager.check({ cookie: first.cookie })).user, undefined);
  assert.ok((await manager.check({ cookie: second.cookie })).user);
});

test('L08/L09: a login started before a logout never yields a session; a later one does and the old one stays dead', async () => {
  const { store, manager, login, advance, now } = await setup();
  const old = await login();
  const startedAt = now();
  advance(1000);
  await store.sessions.revokeUser(INSTALLATION, USER, now());
  assert.equal((await manager.check({ cookie: old.cookie })).user, undefined);
  assert.equal((await manager.issue(session(), startedAt, {})).result, 'logged_out');
  advance(1000);
  const fresh = await login();
  assert.ok((await manager.check({ cookie: fresh.cookie })).user);
  assert.equal((await manager.check({ cookie: old.cookie })).user, undefined, 'no revival');
});

test('local logout deletes the session and clears the cookies', async () => {
  const { manager, login } = await setup();
  const { cookie } = await login();
  const result = await manager.logout({ cookie });
  assert.equal(result.ended, true);
  assert.match(result.setCookie[0]!, /^__Host-appconnect-session=; Path=\/; Max-Age=0/);
  assert.match(result.setCookie[1]!, /^__Host-appconnect-installation=; Path=\/; Max-Age=0/);
  assert.equal((await manager.check({ cookie })).user, undefined);
});

test('L06: with the in-process cache on, a revocation published by the store drops cached sessions at once', async () => {
  const { store, manager, login, now } = await setup(10_000);
  const { cookie } = await login();
  assert.ok((await manager.check({ cookie })).user, 'cached now');
  await store.sessions.revokeUser(INSTALLATION, USER, now());
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal((await manager.check({ cookie })).user, undefined);
  await manager.close();
});

test('L12: a store failure while checking a session fails closed with APPCONNECT_STORE_UNAVAILABLE', async () => {
  const { store, manager, login } = await setup(0, createSqliteStore({ path: ':memory:' }));
  const { cookie } = await login();
  await store.close();
  await assert.rejects(manager.check({ cookie }), (error: Error & { code?: string }) => error.code === 'APPCONNECT_STORE_UNAVAILABLE');
});
