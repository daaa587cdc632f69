import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/errors/index.ts';
import { Browser, referenceIdOf } from './browser.ts';
import { install, launchAs, startWorld, waitFor, type World } from './harness.ts';

/** The failure page shows the contact and a reference id, and the same failure is recorded and passed to onError. */
async function assertFailurePage(world: World, result: { status: number; body: string }, code: string, status: number) {
  assert.equal(result.status, status, result.body.slice(0, 400));
  assert.match(result.body, /<html lang="en">/);
  assert.match(result.body, /support@partner\.example/);
  const reference = referenceIdOf(result.body);
  assert.ok(reference, 'reference id on the page');
  const record = await world.app.kit.store.failures.get(reference);
  assert.equal(record?.code, code);
  assert.ok(world.app.errors.some((e) => e.referenceId === reference), 'onError saw it');
  const serialized = JSON.stringify(record);
  assert.ok(!/code=|state=|secret|BEGIN|eyJ/.test(serialized), `no secrets in the record: ${serialized}`);
  return record!;
}

test('SSO failures over real HTTP reach the failure page with contact, reference id and a failure record', async (t) => {
  const world = await startWorld({ outboundTimeoutMs: 400 }, 3);
  t.after(() => world.close());
  const [licensed, other, unlicensed] = world.users as [string, string, string];
  const installationId = await install(world, { users: [licensed, other] });

  await t.test('S01: unknown installation', async () => {
    const result = await new Browser().navigate(`${world.app.baseUrl}/appconnect/launch?talkdesk_installation_id=${'0'.repeat(32)}&talkdesk_user_id=${licensed}`);
    const record = await assertFailurePage(world, result, ErrorCode.LaunchUnknownInstallation, 404);
    assert.equal(record.stage, 'launch');
  });

  await t.test('C02: callback without state', async () => {
    const result = await new Browser().navigate(`${world.app.baseUrl}/appconnect/callback?code=abc`);
    await assertFailurePage(world, result, ErrorCode.CallbackStateMissing, 400);
  });

  await t.test('C03: forged state', async () => {
    const result = await new Browser().navigate(`${world.app.baseUrl}/appconnect/callback?code=abc&state=${'Z'.repeat(43)}`);
    await assertFailurePage(world, result, ErrorCode.CallbackBrowserMismatch, 400);
  });

  await t.test('C04: the callback opened in another browser (login CSRF)', async () => {
    const victim = new Browser();
    const attacker = new Browser();
    // The attacker runs a launch up to Talkdesk's answer and hands the callback URL to the victim.
    let url = world.control.launchUrl(installationId, licensed);
    let callbackUrl: string | undefined;
    for (let i = 0; i < 5 && !callbackUrl; i += 1) {
      const { hop } = await attacker.request(url);
      if (hop.location?.startsWith(`${world.app.baseUrl}/appconnect/callback`)) callbackUrl = hop.location;
      url = hop.location!;
    }
    assert.ok(callbackUrl);
    const result = await victim.navigate(callbackUrl);
    await assertFailurePage(world, result, ErrorCode.CallbackBrowserMismatch, 400);
    assert.equal(victim.cookie('localhost', 'appconnect-session'), undefined, 'the victim is not signed in as the attacker');
  });

  await t.test('C18: unlicensed user, with the installation\'s admin named when known', async () => {
    const { status, body } = await launchAs(world, installationId, unlicensed);
    const record = await assertFailurePage(world, { status, body }, ErrorCode.UserNotLicensed, 403);
    assert.equal(record.userId, unlicensed);
    assert.equal(record.installationId, installationId);
    assert.doesNotMatch(body, /Open the app again from Talkdesk/, 'launching again would not help');
    const stored = await world.app.kit.store.installations.get(installationId);
    assert.ok(stored?.adminContact, 'the admin contact was read from the Apps API after approval');
    assert.ok(body.includes(stored.adminContact), 'the page names the installation\'s admin');
  });

  await t.test('C11/C12: token endpoint error', async () => {
    await world.control.setFault({ endpoint: 'token', status: 500, times: 1 });
    const record = await assertFailurePage(world, await launchAs(world, installationId, licensed), ErrorCode.TokenRequestFailed, 502);
    assert.equal(record.stage, 'token');
    assert.equal(record.details?.['httpStatus'], 500);
  });

  await t.test('C11: invalid_client from the token endpoint', async () => {
    await world.control.setFault({ endpoint: 'token', status: 401, body: { error: 'invalid_client' }, times: 1 });
    const record = await assertFailurePage(world, await launchAs(world, installationId, licensed), ErrorCode.TokenRequestFailed, 502);
    assert.equal(record.details?.['oauthError'], 'invalid_client');
  });

  await t.test('C13: token endpoint timeout', async () => {
    await world.control.setFault({ endpoint: 'token', delay_ms: 1500, times: 1 });
    await assertFailurePage(world, await launchAs(world, installationId, licensed), ErrorCode.TokenTimeout, 504);
  });

  await t.test('C16: userinfo failure and timeout', async () => {
    await world.control.setFault({ endpoint: 'userinfo', status: 503, times: 1 });
    const record = await assertFailurePage(world, await launchAs(world, installationId, licensed), ErrorCode.UserinfoFailed, 502);
    assert.equal(record.stage, 'userinfo');
    await world.control.setFault({ endpoint: 'userinfo', delay_ms: 1500, times: 1 });
    await assertFailurePage(world, await launchAs(world, installationId, licensed), ErrorCode.UserinfoTimeout, 504);
  });

  await t.test('S06: hint mismatch: the session belongs to the userinfo user and the mismatch is recorded', async () => {
    const { browser, status } = await launchAs(world, installationId, licensed);
    assert.equal(status, 200);
    const result = await browser.navigate(`${world.app.baseUrl}/appconnect/launch?talkdesk_installation_id=${installationId}&talkdesk_user_id=${other}`);
    assert.equal(result.status, 200);
    assert.equal((JSON.parse(result.body) as { user: { userId: string } }).user.userId, licensed);
    const failures = await world.app.kit.store.failures.list({ installationId });
    const mismatch = failures.find((f) => f.code === ErrorCode.HintMismatch);
    assert.ok(mismatch);
    assert.equal(mismatch.userId, licensed);
    assert.equal(mismatch.hintUserId, other);
  });
});

test('C08: an error answered by Talkdesk (invalid_scope) with a valid state reaches the failure page', async (t) => {
  const world = await startWorld({ scopes: ['openid', 'not-a-scope'] });
  t.after(() => world.close());
  const installationId = await install(world);
  const result = await launchAs(world, installationId, world.users[0]!);
  const record = await assertFailurePage(world, result, ErrorCode.CallbackAuthorizationError, 502);
  assert.equal(record.details?.['error'], 'invalid_scope');
  assert.equal(record.stage, 'authorization');
});

test('resolveUser refusal shows its reason; the default maps to the Talkdesk user', async (t) => {
  const world = await startWorld({
    resolveUser: (user) => (user.email === 'user0@acme.example' ? { appUserId: `partner-${user.userId}` } : { refuse: 'Your e-mail has no account in Partner app.' }),
  });
  t.after(() => world.close());
  const installationId = await install(world);
  const ok = await launchAs(world, installationId, world.users[0]!);
  assert.equal((JSON.parse(ok.body) as { user: { appUserId: string } }).user.appUserId, `partner-${world.users[0]}`);
  const refused = await launchAs(world, installationId, world.users[1]!);
  await assertFailurePage(world, refused, ErrorCode.UserRefused, 403);
  assert.match(refused.body, /Your e-mail has no account in Partner app\./);
});

test('L08: a user.logout that arrives mid-login yields no session', async (t) => {
  const world = await startWorld();
  t.after(() => world.close());
  const installationId = await install(world);
  const user = world.users[0]!;
  const browser = new Browser();
  let url = world.control.launchUrl(installationId, user);
  let callbackUrl: string | undefined;
  for (let i = 0; i < 5 && !callbackUrl; i += 1) {
    const { hop } = await browser.request(url);
    if (hop.location?.startsWith(`${world.app.baseUrl}/appconnect/callback`)) callbackUrl = hop.location;
    url = hop.location!;
  }
  assert.ok(callbackUrl, 'Talkdesk answered with a code');
  const { event_ids: eventIds } = await world.control.logout(user);
  await waitFor(async () => (await world.control.deliveries(installationId)).some((d) => eventIds.includes(d.event_id) && d.status === 'delivered'), 'user.logout delivered');
  const result = await browser.navigate(callbackUrl);
  assert.ok(result.status >= 400, result.body.slice(0, 300));
  const record = await world.app.kit.store.failures.get(referenceIdOf(result.body)!);
  assert.equal(record?.code, ErrorCode.LoggedOutDuringLogin);
  assert.equal(result.status, 401);
  assert.match(result.body, /signed out of Talkdesk/);
  assert.equal(browser.cookie('localhost', 'appconnect-session'), undefined);
  assert.equal((await world.app.kit.store.sessions.listByUser(installationId, user)).length, 0);
});
