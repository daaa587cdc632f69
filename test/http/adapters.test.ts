import { test } from 'node:test';
import assert from 'node:assert/strict';
import { install, launchAs, startWorld } from '../sso/harness.ts';
import type { AdapterName } from '../sso/adapters.ts';

for (const adapter of ['node', 'express', 'fastify', 'fetch'] as AdapterName[]) {
  test(`${adapter} adapter: install event, SSO, protected page, oversized event body, Single Sign-Out`, async (t) => {
    const world = await startWorld({ maxEventBodyBytes: 4096 }, 2, adapter);
    t.after(() => world.close());
    const installationId = await install(world);
    const { status, body, browser } = await launchAs(world, installationId, world.users[0]!);
    assert.equal(status, 200, body.slice(0, 300));
    const page = JSON.parse(body) as { path: string; user: { userId: string } };
    assert.equal(page.path, '/');
    assert.equal(page.user.userId, world.users[0]);

    const failure = await browser.navigate(`${world.app.baseUrl}/appconnect/launch?talkdesk_installation_id=nothex`);
    assert.equal(failure.status, 400);
    assert.equal(failure.response.headers.get('cache-control'), 'no-store');
    assert.match(failure.response.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    const big = await fetch(`${world.app.baseUrl}/appconnect/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(10_000) }) });
    assert.equal(big.status, 413);

    const { event_ids: eventIds } = await world.control.logout(world.users[0]!);
    assert.ok(eventIds.length > 0);
    const me = async () => (await browser.request(`${world.app.baseUrl}/api/me`, { accept: 'application/json' })).response.status;
    for (let i = 0; i < 200 && (await me()) === 200; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(await me(), 401);
  });
}

test('express: a JSON body parser mounted before the kit makes events fail loudly (500, retried), not silently', async (t) => {
  const world = await startWorld({}, 1, 'express-json-first');
  t.after(() => world.close());
  const response = await fetch(`${world.app.baseUrl}/appconnect/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: 'raw_body_unavailable' });
});
