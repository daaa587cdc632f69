import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Base64Url } from '../../src/crypto/index.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import { sampleTransaction } from '../../src/testing/fixtures.ts';
import { setCookies, unitKit } from './unit-kit.ts';

const launchUrl = (installationId: string, extra = '') => `/appconnect/launch?talkdesk_installation_id=${installationId}&talkdesk_user_id=aaaaaaaaaaaaaaaaaaaaaaaa${extra}`;

test('S04: a valid launch answers an immediate 302 to the installation authorization link with state, PKCE S256 and nonce', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const response = await kit.launch(kit.get(launchUrl(installation.installationId)));
  assert.equal(response.status, 302);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  const location = new URL(response.headers['location'] as string);
  assert.equal(location.origin + location.pathname, installation.links.authorization);
  const p = location.searchParams;
  assert.equal(p.get('response_type'), 'code');
  assert.equal(p.get('client_id'), installation.clientId);
  assert.equal(p.get('redirect_uri'), 'https://app.example.com/appconnect/callback');
  assert.equal(p.get('scope'), 'openid');
  assert.match(p.get('state')!, /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.get('nonce')!, /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.equal(p.get('talkdesk_user_id'), null, 'the hint is not forwarded');
  for (const value of p.values()) assert.ok(!value.includes('sealed'), 'no secret in the URL');
  // The binding cookie: HttpOnly, Secure, SameSite=Lax, scoped to the callback path, 10 minutes.
  const [binding] = setCookies(response.headers);
  assert.match(binding!, /^__Secure-appconnect-login=[A-Za-z0-9_-]{43}; Path=\/appconnect\/callback; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
  // The transaction is stored under the hash of state, single use.
  const stored = await kit.store.transactions.consume(sha256Base64Url(p.get('state')!), kit.now());
  assert.ok(stored);
  assert.equal(stored.installationId, installation.installationId);
  assert.equal(stored.hintUserId, 'aaaaaaaaaaaaaaaaaaaaaaaa');
  assert.equal(stored.nonce, p.get('nonce'));
  assert.equal(stored.expiresAt - stored.createdAt, 600_000);
  assert.equal(stored.bindingHash, sha256Base64Url(binding!.split(';')[0]!.split('=')[1]!));
  assert.equal(await kit.store.transactions.consume(sha256Base64Url(p.get('state')!), kit.now()), undefined);
});

test('S05: every launch has a fresh state, nonce and PKCE challenge', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i += 1) {
    const response = await kit.launch(kit.get(launchUrl(installation.installationId)));
    const p = new URL(response.headers['location'] as string).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) {
      const value = p.get(name)!;
      assert.ok(!seen.has(value), `${name} repeated`);
      seen.add(value);
    }
  }
});

test('S01/S02: unknown, uninstalled, rejected or pending installations get the failure page and store no transaction', async () => {
  const kit = await unitKit();
  const uninstalled = await kit.addInstallation({ state: 'uninstalled' });
  const rejected = await kit.addInstallation({ state: 'rejected' });
  const cases: Array<[string, number, string]> = [
    ['0123456789abcdef0123456789abcdef', 404, ErrorCode.LaunchUnknownInstallation],
    [uninstalled.installationId, 403, ErrorCode.LaunchInstallationInactive],
    [rejected.installationId, 403, ErrorCode.LaunchInstallationInactive],
  ];
  for (const [id, status, code] of cases) {
    const response = await kit.launch(kit.get(launchUrl(id)));
    assert.equal(response.status, status);
    assert.equal(response.headers['location'], undefined);
    assert.equal(setCookies(response.headers).length, 0);
    const body = String(response.body);
    assert.match(body, /help@example\.com/);
    const reference = /<code id="reference">([A-Z0-9-]+)<\/code>/.exec(body)![1]!;
    const record = await kit.store.failures.get(reference);
    assert.equal(record?.code, code);
    assert.equal(record?.installationId, id);
    assert.equal(record?.stage, 'launch');
  }
  assert.equal(kit.errors.length, 3);
  // maxPending = 1 accepts a transaction only if none is stored.
  assert.equal(await kit.store.transactions.put(sampleTransaction(), 1), true);
});

test('S03: missing, repeated, oversized and hostile parameters are refused with an escaped 4xx page', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const id = installation.installationId;
  const urls = [
    '/appconnect/launch',
    '/appconnect/launch?talkdesk_installation_id=',
    `/appconnect/launch?talkdesk_installation_id=${id}&talkdesk_installation_id=${id}`,
    `/appconnect/launch?talkdesk_installation_id=${'a'.repeat(10_000)}`,
    `/appconnect/launch?talkdesk_installation_id=${encodeURIComponent('<script>alert(1)</script>')}`,
    `/appconnect/launch?talkdesk_installation_id=${id}%00`,
    `/appconnect/launch?talkdesk_installation_id=${id}%0d%0aSet-Cookie:x=1`,
    `/appconnect/launch?talkdesk_installation_id[$ne]=x`,
    `/appconnect/launch?talkdesk_installation_id=${id.toUpperCase()}`,
  ];
  for (const url of urls) {
    const response = await kit.launch(kit.get(url));
    assert.equal(response.status, 400, url);
    assert.ok(!String(response.body).includes('<script>alert'), 'reflected input is never rendered raw');
    assert.equal(response.headers['location'], undefined);
  }
  const post = await kit.launch({ method: 'POST', url: `/appconnect/launch?talkdesk_installation_id=${id}`, headers: {} });
  assert.equal(post.status, 405);
  assert.ok(kit.errors.every((e) => e.code === ErrorCode.LaunchInvalidRequest));
});

test('S06: a garbled or repeated user hint is dropped, never an error', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  for (const hint of ['talkdesk_user_id=<b>x', 'talkdesk_user_id=aaaaaaaaaaaaaaaaaaaaaaaa&talkdesk_user_id=bbbbbbbbbbbbbbbbbbbbbbbb']) {
    const response = await kit.launch(kit.get(`/appconnect/launch?talkdesk_installation_id=${installation.installationId}&${hint}`));
    assert.equal(response.status, 302);
    const state = new URL(response.headers['location'] as string).searchParams.get('state')!;
    const stored = await kit.store.transactions.consume(sha256Base64Url(state), kit.now());
    assert.equal(stored?.hintUserId, undefined);
  }
});

test('S07: injected endpoints are ignored and only a safe relative return path is kept', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const hostile = ['//evil.example', '/\\evil.example', 'https:evil.example', '%2F%2Fevil.example', 'javascript:alert(1)', '/\t/evil.example', ' //evil.example', '\\evil.example', 'https://evil.example/x'];
  for (const target of hostile) {
    const response = await kit.launch(kit.get(`/appconnect/launch?talkdesk_installation_id=${installation.installationId}&return_to=${encodeURIComponent(target)}&authorize_url=https://evil.example&redirect_uri=https://evil.example&client_id=evil`));
    const location = new URL(response.headers['location'] as string);
    assert.equal(location.origin + location.pathname, installation.links.authorization);
    assert.equal(location.searchParams.get('redirect_uri'), 'https://app.example.com/appconnect/callback');
    assert.equal(location.searchParams.get('client_id'), installation.clientId);
    const stored = await kit.store.transactions.consume(sha256Base64Url(location.searchParams.get('state')!), kit.now());
    assert.equal(stored?.returnTo, undefined, target);
  }
  const ok = await kit.launch(kit.get(`/appconnect/launch?talkdesk_installation_id=${installation.installationId}&return_to=${encodeURIComponent('/reports?week=2')}`));
  const state = new URL(ok.headers['location'] as string).searchParams.get('state')!;
  assert.equal((await kit.store.transactions.consume(sha256Base64Url(state), kit.now()))?.returnTo, '/reports?week=2');
});

test('A01: when the pending-login cap is reached the launch answers 503 with Retry-After', async () => {
  const kit = await unitKit({ transactions: { maxPending: 2 } });
  const installation = await kit.addInstallation();
  assert.equal((await kit.launch(kit.get(launchUrl(installation.installationId)))).status, 302);
  assert.equal((await kit.launch(kit.get(launchUrl(installation.installationId)))).status, 302);
  const full = await kit.launch(kit.get(launchUrl(installation.installationId)));
  assert.equal(full.status, 503);
  assert.equal(full.headers['retry-after'], '60');
  kit.advance(600_001);
  assert.equal((await kit.launch(kit.get(launchUrl(installation.installationId)))).status, 302, 'expired transactions free the cap');
});

test('W17 at use time: an authorization link outside the host policy is never redirected to', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation({ links: { root: 'https://api.talkdeskapp.com', authorization: 'https://evil.example/oauth/authorize', tokens: 'https://acme.talkdeskid.com/oauth/token', userinfo: 'https://api.talkdeskapp.com/users/me' } });
  const response = await kit.launch(kit.get(launchUrl(installation.installationId)));
  assert.equal(response.status, 502);
  assert.equal(response.headers['location'], undefined);
});

test('a launch reuses the browser binding value so two tabs can sign in at once', async () => {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const first = await kit.launch(kit.get(launchUrl(installation.installationId)));
  const cookie = setCookies(first.headers)[0]!.split(';')[0]!;
  const second = await kit.launch(kit.get(launchUrl(installation.installationId), cookie));
  assert.equal(setCookies(second.headers)[0]!.split(';')[0], cookie);
});
