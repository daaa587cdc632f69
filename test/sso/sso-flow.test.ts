import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_ALGORITHMS } from '../../src/protocol/keys.ts';
import { install, launchAs, startWorld } from './harness.ts';

test('full SSO over real HTTP against the emulator, for each of the six key algorithms (private_key_jwt)', async (t) => {
  const world = await startWorld();
  t.after(() => world.close());
  for (const alg of KEY_ALGORITHMS) {
    const account = await world.newAccount(1);
    const installationId = await install(world, { key_algorithm: alg, accountId: account.accountId });
    const { status, body, hops, browser } = await launchAs(world, installationId, account.users[0]!);
    assert.equal(status, 200, `${alg}: ${body.slice(0, 300)}`);
    const page = JSON.parse(body) as { path: string; user: { userId: string; installationId: string; appUserId: string } };
    assert.equal(page.path, '/');
    assert.equal(page.user.userId, account.users[0]);
    assert.equal(page.user.installationId, installationId);
    // launch -> app launch -> authorize -> callback -> app home
    assert.deepEqual(hops.map((h) => new URL(h.url).pathname), ['/emulator/launch', '/appconnect/launch', `/id/${new URL(hops[2]!.url).pathname.split('/')[2]}/oauth/authorize`, '/appconnect/callback', '/']);
    const callback = hops[3]!;
    assert.ok(callback.setCookie.some((c) => /^appconnect-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/.test(c)), callback.setCookie.join(' | '));
    assert.equal(browser.cookie('localhost', 'appconnect-session')?.length, 43);
  }
});

test('client_secret_basic, when configured, also signs the user in', async (t) => {
  const world = await startWorld({ tokenEndpointAuth: 'client_secret_basic' });
  t.after(() => world.close());
  const installationId = await install(world);
  const { status, body } = await launchAs(world, installationId, world.users[1]!);
  assert.equal(status, 200, body.slice(0, 300));
  assert.equal((JSON.parse(body) as { user: { userId: string } }).user.userId, world.users[1]);
});
