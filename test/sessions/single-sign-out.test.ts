import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser } from '../sso/browser.ts';
import { install, launchAs, startWorld, waitFor, type World } from '../sso/harness.ts';

async function delivered(world: World, installationId: string, eventIds: string[]): Promise<void> {
  await waitFor(async () => {
    const deliveries = await world.control.deliveries(installationId);
    return eventIds.every((id) => deliveries.some((d) => d.event_id === id && d.status === 'delivered'));
  }, `events ${eventIds.join(',')} delivered`);
}

async function signedIn(world: World, browser: Browser): Promise<boolean> {
  const { response, body } = await browser.request(`${world.app.baseUrl}/api/me`, { accept: 'application/json' });
  if (response.status === 200) return (JSON.parse(body) as { user?: unknown }).user !== undefined;
  assert.equal(response.status, 401);
  return false;
}

test('L05/L07/L09: user.logout ends every session of that user (two browsers), not other users or installations; no revival', async (t) => {
  const world = await startWorld({}, 2);
  t.after(() => world.close());
  const [ana, bob] = world.users as [string, string];
  const installationId = await install(world);
  const other = await world.newAccount(1);
  const otherInstallation = await install(world, { accountId: other.accountId });

  const anaLaptop = (await launchAs(world, installationId, ana)).browser;
  const anaPhone = (await launchAs(world, installationId, ana)).browser;
  const bobBrowser = (await launchAs(world, installationId, bob)).browser;
  const otherBrowser = (await launchAs(world, otherInstallation, other.users[0]!)).browser;
  for (const browser of [anaLaptop, anaPhone, bobBrowser, otherBrowser]) assert.equal(await signedIn(world, browser), true);

  const { event_ids: eventIds } = await world.control.logout(ana);
  await delivered(world, installationId, eventIds);
  assert.equal(await signedIn(world, anaLaptop), false);
  assert.equal(await signedIn(world, anaPhone), false);
  assert.equal(await signedIn(world, bobBrowser), true, 'another user keeps the session');
  assert.equal(await signedIn(world, otherBrowser), true, 'another installation keeps its sessions');

  // A page request of a signed-out browser re-runs SSO silently through the launch URL (same path kept).
  const page = await anaLaptop.request(`${world.app.baseUrl}/reports?week=2`);
  assert.equal(page.response.status, 302);
  const location = new URL(page.hop.location!);
  assert.equal(location.pathname, '/appconnect/launch');
  assert.equal(location.searchParams.get('talkdesk_installation_id'), installationId);
  assert.equal(location.searchParams.get('return_to'), '/reports?week=2');

  // Ana signs in again (Talkdesk login again): the new session works, the old ones stay dead (L09).
  const oldCookie = anaLaptop.cookie('localhost', 'appconnect-session');
  const again = await launchAs(world, installationId, ana);
  assert.equal(again.status, 200);
  assert.equal(await signedIn(world, again.browser), true);
  const revived = new Browser();
  revived.setCookieValue('localhost', 'appconnect-session', oldCookie ?? 'none');
  assert.equal(await signedIn(world, revived), false);
  assert.equal(await signedIn(world, anaPhone), false);
});

test('an expired session comes back to the page the user asked for after a silent SSO', async (t) => {
  const world = await startWorld({ sessions: { idleTimeoutMs: 600 } });
  t.after(() => world.close());
  const installationId = await install(world);
  const { browser } = await launchAs(world, installationId, world.users[0]!);
  await new Promise((resolve) => setTimeout(resolve, 700)); // idle timeout passed
  const result = await browser.navigate(`${world.app.baseUrl}/reports?week=2`);
  assert.equal(result.status, 200, result.body.slice(0, 300));
  const page = JSON.parse(result.body) as { path: string; user: { userId: string } };
  assert.equal(page.path, '/reports?week=2');
  assert.equal(page.user.userId, world.users[0]);
  assert.deepEqual(result.hops.map((h) => new URL(h.url).pathname).slice(0, 3), ['/reports', '/appconnect/launch', result.hops[2] && new URL(result.hops[2].url).pathname]);
});

test('L11: uninstall ends every session of the installation and new launches get the failure page', async (t) => {
  const world = await startWorld({}, 2);
  t.after(() => world.close());
  const installationId = await install(world);
  const first = (await launchAs(world, installationId, world.users[0]!)).browser;
  const second = (await launchAs(world, installationId, world.users[1]!)).browser;
  const { event_ids: eventIds } = await world.control.uninstall(installationId);
  await delivered(world, installationId, eventIds);
  assert.equal(await signedIn(world, first), false);
  assert.equal(await signedIn(world, second), false);
  const relaunch = await new Browser().navigate(`${world.app.baseUrl}/appconnect/launch?talkdesk_installation_id=${installationId}`);
  assert.equal(relaunch.status, 403);
  assert.match(relaunch.body, /support@partner\.example/);
});

test('L11: removing a licence ends that user\'s sessions only', async (t) => {
  const world = await startWorld({}, 2);
  t.after(() => world.close());
  const installationId = await install(world);
  const first = (await launchAs(world, installationId, world.users[0]!)).browser;
  const second = (await launchAs(world, installationId, world.users[1]!)).browser;
  const { event_id: eventId } = await world.control.setLicenses(installationId, { removing: [world.users[0]!] });
  await delivered(world, installationId, [eventId]);
  await waitFor(async () => !(await signedIn(world, first)), 'unlicensed session ended');
  assert.equal(await signedIn(world, second), true);
});

test('local logout ends this browser\'s session and clears its cookies', async (t) => {
  const world = await startWorld();
  t.after(() => world.close());
  const installationId = await install(world);
  const { browser } = await launchAs(world, installationId, world.users[0]!);
  const { response } = await browser.request(`${world.app.baseUrl}/logout`);
  assert.equal(response.headers.get('clear-site-data'), '"cache", "storage"');
  assert.equal(browser.cookie('localhost', 'appconnect-session'), undefined);
  assert.equal(browser.cookie('localhost', 'appconnect-installation'), undefined);
  assert.equal(await signedIn(world, browser), false);
});
