import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/errors/index.ts';
import { cookieHeader, setCookies, unitKit } from './unit-kit.ts';

async function started() {
  const kit = await unitKit();
  const installation = await kit.addInstallation();
  const response = await kit.launch(kit.get(`/appconnect/launch?talkdesk_installation_id=${installation.installationId}`));
  const state = new URL(response.headers['location'] as string).searchParams.get('state')!;
  const binding = cookieHeader(setCookies(response.headers));
  return { kit, installation, state, binding };
}

function referenceOf(body: unknown): string {
  const match = /<code id="reference">([A-Z0-9-]+)<\/code>/.exec(String(body));
  assert.ok(match, 'the page shows a reference id');
  return match[1]!;
}

test('C02/C09: a callback without state (with or without error) is refused, not attributed to Talkdesk, nothing called', async () => {
  const { kit, binding } = await started();
  for (const url of ['/appconnect/callback?code=abc', '/appconnect/callback?error=access_denied', '/appconnect/callback']) {
    const response = await kit.callback(kit.get(url, binding));
    assert.equal(response.status, 400);
    const record = await kit.store.failures.get(referenceOf(response.body));
    assert.equal(record?.code, ErrorCode.CallbackStateMissing);
    assert.ok(!String(response.body).includes('access_denied'));
  }
  assert.equal(kit.outbound.count, 0);
});

test('C03/A02: a forged, malformed or expired state gets the failure page with zero outbound calls', async () => {
  const { kit, binding, state } = await started();
  const forged = 'A'.repeat(43);
  for (const url of [`/appconnect/callback?code=abc&state=${forged}`, '/appconnect/callback?code=abc&state=short', `/appconnect/callback?code=abc&state=${encodeURIComponent('<script>x</script>')}`]) {
    const response = await kit.callback(kit.get(url, binding));
    assert.equal(response.status, 400);
    assert.equal((await kit.store.failures.get(referenceOf(response.body)))?.code, ErrorCode.CallbackStateInvalid);
    assert.ok(!String(response.body).includes('<script>x'));
  }
  kit.advance(600_001);
  const expired = await kit.callback(kit.get(`/appconnect/callback?code=abc&state=${state}`, binding));
  assert.equal((await kit.store.failures.get(referenceOf(expired.body)))?.code, ErrorCode.CallbackStateInvalid);
  assert.equal(kit.outbound.count, 0);
});

test('C04: a state delivered to a browser without, or with another, binding cookie is refused', async () => {
  const { kit, state } = await started();
  const missing = await kit.callback(kit.get(`/appconnect/callback?code=abc&state=${state}`));
  assert.equal((await kit.store.failures.get(referenceOf(missing.body)))?.code, ErrorCode.CallbackBrowserMismatch);
  // The missing cookie did not burn the transaction; another browser's cookie does, and fails.
  const other = await kit.callback(kit.get(`/appconnect/callback?code=abc&state=${state}`, `__Secure-appconnect-login=${'B'.repeat(43)}`));
  const record = await kit.store.failures.get(referenceOf(other.body));
  assert.equal(record?.code, ErrorCode.CallbackBrowserMismatch);
  assert.ok(record?.installationId, 'the installation is known once the state was valid');
  assert.equal(kit.outbound.count, 0);
});

test('C07: repeated parameters, code with error, oversized code and POST are refused before any call', async () => {
  const { kit, state, binding } = await started();
  const urls = [
    `/appconnect/callback?code=a&code=b&state=${state}`,
    `/appconnect/callback?code=a&state=${state}&state=${state}`,
    `/appconnect/callback?code=a&error=access_denied&state=${state}`,
    `/appconnect/callback?code=${'x'.repeat(10_000)}&state=${state}`,
  ];
  for (const url of urls) {
    const response = await kit.callback(kit.get(url, binding));
    assert.equal(response.status, 400, url);
    assert.equal((await kit.store.failures.get(referenceOf(response.body)))?.code, ErrorCode.CallbackInvalidRequest);
  }
  assert.equal((await kit.callback({ method: 'POST', url: `/appconnect/callback?code=a&state=${state}`, headers: { cookie: binding } })).status, 405);
  assert.equal(kit.outbound.count, 0);
});

test('C08/C10: error=access_denied with a valid state shows the failure page, escaped, with the error recorded', async () => {
  const { kit, state, binding, installation } = await started();
  const response = await kit.callback(kit.get(`/appconnect/callback?error=access_denied&error_description=${encodeURIComponent('<img src=x onerror=alert(1)>')}&state=${state}`, binding));
  assert.equal(response.status, 403);
  const body = String(response.body);
  assert.ok(!body.includes('<img'));
  assert.match(body, /access_denied/);
  assert.match(body, /help@example\.com/);
  assert.match(body, /Open the app again from Talkdesk/);
  const record = await kit.store.failures.get(referenceOf(body));
  assert.equal(record?.code, ErrorCode.CallbackAuthorizationError);
  assert.equal(record?.stage, 'authorization');
  assert.equal(record?.installationId, installation.installationId);
  assert.equal(record?.details?.['error'], 'access_denied');
  assert.equal(kit.outbound.count, 0);
  // The transaction was consumed: replaying the same URL is a stale state.
  const replay = await kit.callback(kit.get(`/appconnect/callback?error=access_denied&state=${state}`, binding));
  assert.equal((await kit.store.failures.get(referenceOf(replay.body)))?.code, ErrorCode.CallbackStateInvalid);
});

test('C05: a replayed callback in a browser that is signed in goes home instead of to an error', async () => {
  const { kit, state, binding, installation } = await started();
  const issued = await kit.sessions.issue({ installationId: installation.installationId, accountId: installation.accountId, userId: 'u'.repeat(24), appUserId: 'u1' }, kit.now(), {});
  assert.equal(issued.result, 'created');
  const cookies = [binding, cookieHeader(issued.result === 'created' ? issued.setCookie : [])].join('; ');
  const first = await kit.callback(kit.get(`/appconnect/callback?error=access_denied&state=${state}`, cookies));
  assert.equal(first.status, 403);
  const replay = await kit.callback(kit.get(`/appconnect/callback?error=access_denied&state=${state}`, cookies));
  assert.equal(replay.status, 302);
  assert.equal(replay.headers['location'], '/');
});

test('C20: the installation comes only from the transaction, and an uninstall mid-login fails cleanly', async () => {
  const { kit, state, binding, installation } = await started();
  await kit.store.installations.applyEvent(
    { eventId: 'f'.repeat(32), installationId: installation.installationId, type: 'app.uninstalled', createdAt: kit.now() + 1 },
    () => ({ kind: 'apply', installation: { ...installation, state: 'uninstalled' } }),
  );
  const response = await kit.callback(kit.get(`/appconnect/callback?code=abc&state=${state}&talkdesk_installation_id=${'0'.repeat(32)}`, binding));
  assert.equal(response.status, 403);
  const record = await kit.store.failures.get(referenceOf(response.body));
  assert.equal(record?.code, ErrorCode.CallbackInstallationInactive);
  assert.equal(record?.installationId, installation.installationId);
  assert.equal(kit.outbound.count, 0);
});

test('D08: the same callback submitted twice concurrently makes exactly one token exchange', async () => {
  const { kit, state, binding } = await started();
  const url = `/appconnect/callback?code=abc&state=${state}`;
  const [a, b] = await Promise.all([kit.callback(kit.get(url, binding)), kit.callback(kit.get(url, binding))]);
  assert.equal(kit.outbound.count, 1);
  const codes = await Promise.all([a, b].map(async (r) => (await kit.store.failures.get(referenceOf(r.body)))?.code));
  assert.ok(codes.includes(ErrorCode.CallbackStateInvalid));
  assert.ok(codes.includes(ErrorCode.TokenRequestFailed));
});
