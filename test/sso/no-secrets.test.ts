import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCapturingLogger } from '../../src/telemetry/index.ts';
import { install, launchAs, startWorld } from './harness.ts';

/**
 * Secrets never reach logs, pages or failure records: a whole life (install, sign-ins, failures with
 * faults injected at every outbound step, rotation, logout, uninstall) with a debug-level logger, then
 * every secret the run handled is searched for in everything the kit emitted.
 */
test('no secret in logs, pages or failure records over a whole installation life', async (t) => {
  const capture = createCapturingLogger({ level: 'debug' });
  const world = await startWorld({ logger: capture.logger });
  t.after(() => world.close());
  const installationId = await install(world, { key_algorithm: 'PS256' });
  const [userA, userB] = world.users as [string, string];

  const secrets = new Set<string>();
  const emitted: string[] = [];
  const remember = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 12) secrets.add(value);
  };
  const credentialsOf = async (eventId: string) => {
    const data = (await world.control.event(eventId)).body?.data as Record<string, unknown>;
    for (const field of ['client_secret', 'private_key']) remember(data[field]);
  };
  const installedEvent = (await world.control.deliveries(installationId)).find((d) => d.type === 'app.installed')!;
  await credentialsOf(installedEvent.event_id);

  const signIn = async (userId: string) => {
    const run = await launchAs(world, installationId, userId);
    emitted.push(run.body);
    for (const hop of run.hops) {
      const url = new URL(hop.url);
      for (const name of ['code', 'state', 'nonce', 'code_challenge']) remember(url.searchParams.get(name));
      // The session and login-binding cookies are secrets; the last-installation cookie is not.
      for (const cookie of hop.setCookie) if (/appconnect-(session|login)=/.test(cookie)) remember(cookie.split(';')[0]!.split('=')[1]);
    }
    return run;
  };
  assert.equal((await signIn(userA)).status, 200);

  // Failures at every outbound step, each recorded.
  for (const endpoint of ['token', 'userinfo', 'authorize'] as const) {
    await world.control.setFault({ endpoint, status: 500, body: '{"error":"server_error"}', times: 1 });
    const run = await signIn(userB);
    assert.ok(run.status >= 400, `${endpoint} fault gives the failure page`);
  }
  await world.control.clearFaults();

  const rotated = await world.control.rotateCredentials(installationId);
  await credentialsOf(rotated.event_id);
  await world.control.logout(userA);
  const { event_ids } = await world.control.uninstall(installationId);
  await world.control.waitForDeliveries((list) => event_ids.every((id) => list.some((d) => d.event_id === id && d.status === 'delivered')), { installationId });

  assert.ok(capture.entries().length >= 5, `the kit logged the run (${capture.entries().length} lines)`);
  emitted.push(capture.text());
  emitted.push(JSON.stringify(await world.app.kit.store.failures.list({ limit: 100 })));
  emitted.push(JSON.stringify(world.app.errors));
  assert.ok(world.app.errors.length >= 2, `failures were recorded: ${world.app.errors.map((e) => e.code).join(', ')}`);
  assert.ok(secrets.size >= 8, `secrets collected: ${secrets.size}`);
  const everything = emitted.join('\n');
  for (const secret of secrets) {
    const at = everything.indexOf(secret);
    assert.equal(at, -1, `a secret (${secret.slice(0, 4)}…) was emitted: …${everything.slice(Math.max(0, at - 200), at + 40)}`);
  }
});
