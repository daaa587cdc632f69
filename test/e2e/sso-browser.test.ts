import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDevEnvironment, type DevEnvironment } from '../../examples/demo/dev-environment.ts';
import { launchChromium } from '../helpers/browser.ts';
import { silentLogger } from '../../src/telemetry/index.ts';

/**
 * The flow a user lives through, in a real browser: click the app in the emulator's App Manager, land
 * signed in with no further click; get signed out when Talkdesk signs you out; unlicensed users and
 * uninstalled apps get the failure page. Screenshots of the main steps go to docs/images/.
 */
// Screenshots go to test-results/ (ignored by git); `npm run screenshots` writes the README's to docs/images/.
const SHOTS = process.env.APPCONNECT_SCREENSHOTS_DIR ?? join(import.meta.dirname, '../../test-results/screenshots');
let env: DevEnvironment;
let browser: Browser | undefined;
let skip: string | undefined;
let dataDir: string;

before(async () => {
  const launched = await launchChromium();
  if ('skip' in launched) {
    skip = launched.skip;
    return;
  }
  browser = launched.browser;
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'appconnect-e2e-'));
  env = await startDevEnvironment({ emulatorPort: 0, appPort: 0, dataDir, timeScale: 600, logger: silentLogger });
});

after(async () => {
  await browser?.close();
  await env?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function user(name: string) {
  const found = env.seed.users.find((u) => u.name === name);
  assert.ok(found, `seed user ${name}`);
  return found;
}

async function launchFromAppManager(context: BrowserContext, name: string, shot?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(env.appManagerUrl);
  if (shot) await page.screenshot({ path: join(SHOTS, shot), fullPage: false });
  await page.getByRole('link', { name: `Launch as ${name}` }).click();
  await page.waitForURL((url) => url.href.startsWith(env.demoUrl), { timeout: 10_000 });
  return page;
}

async function waitForDelivered(eventIds: string[]): Promise<void> {
  await env.control.waitForDeliveries(
    (list) => eventIds.every((id) => list.some((d) => d.event_id === id && d.status === 'delivered')),
    { timeoutMs: 10_000 },
  );
}

test('SSO and Single Sign-Out in a real browser, from the App Manager', async (t) => {
  if (skip) return t.skip(skip);
  assert.ok(browser);
  const ada = user('Ada Lovelace');
  const grace = user('Grace Hopper');

  // 1. Ada clicks the app in the App Manager and lands on the app signed in, with no further click.
  const contextA = await browser.newContext();
  const pageA = await launchFromAppManager(contextA, 'Ada Lovelace', 'app-manager.png');
  assert.equal(new URL(pageA.url()).pathname, '/');
  assert.equal(await pageA.getByTestId('status').textContent(), 'signed in');
  assert.equal(await pageA.getByTestId('name').textContent(), 'Ada Lovelace');
  assert.equal(await pageA.getByTestId('user-id').textContent(), ada.user_id);
  await pageA.screenshot({ path: join(SHOTS, 'signed-in.png') });
  const meA = await contextA.request.get(`${env.demoUrl}me`);
  assert.equal(meA.status(), 200);
  assert.deepEqual(await meA.json(), {
    talkdesk_user_id: ada.user_id, installation_id: env.seed.installation_id, account_id: env.seed.account_id,
    name: 'Ada Lovelace', email: ada.email,
  });

  // 2. Grace, in a second browser, is signed in as herself.
  const contextB = await browser.newContext();
  const pageB = await launchFromAppManager(contextB, 'Grace Hopper');
  assert.equal(await pageB.getByTestId('name').textContent(), 'Grace Hopper');

  // 3. Talkdesk signs Ada out: her next load is refused, Grace stays signed in.
  const admin = await contextA.newPage();
  await admin.goto(env.appManagerUrl);
  await Promise.all([
    admin.waitForURL((url) => url.href.startsWith(env.appManagerUrl), { waitUntil: 'load' }),
    admin.locator('li', { hasText: 'Ada Lovelace' }).getByRole('button', { name: 'Sign out of Talkdesk' }).click(),
  ]);
  const logoutDeliveries = await env.control.waitForDeliveries(
    (list) => list.some((d) => d.type === 'user.logout' && d.status === 'delivered'),
    { installationId: env.seed.installation_id, timeoutMs: 10_000 },
  );
  assert.equal(logoutDeliveries.filter((d) => d.type === 'user.logout').length, 1, 'one user.logout event sent');
  await pageA.reload();
  assert.equal(await pageA.getByTestId('status').textContent(), 'signed out');
  assert.equal((await contextA.request.get(`${env.demoUrl}me`)).status(), 401);
  await pageA.screenshot({ path: join(SHOTS, 'signed-out.png') });
  await pageB.reload();
  assert.equal(await pageB.getByTestId('name').textContent(), 'Grace Hopper');
  assert.equal((await contextB.request.get(`${env.demoUrl}me`)).status(), 200);

  // 4. Alan has no licence: the failure page names the contact and gives a reference id...
  const contextC = await browser.newContext();
  const pageC = await launchFromAppManager(contextC, 'Alan Turing');
  const body = await pageC.locator('body').textContent();
  assert.match(body ?? '', /support@demo-partner\.example/);
  const reference = (await pageC.locator('#reference').textContent())?.trim();
  assert.ok(reference && reference.length >= 8, 'a reference id is shown');
  await pageC.screenshot({ path: join(SHOTS, 'failure-unlicensed.png') });
  // ...and the same reference id is on the troubleshooting page.
  const trouble = await contextC.newPage();
  await trouble.goto(`${env.demoUrl}troubleshooting`);
  const references = await trouble.getByTestId('reference-id').allTextContents();
  assert.ok(references.map((r) => r.trim()).includes(reference), `troubleshooting lists ${reference}`);
  await trouble.screenshot({ path: join(SHOTS, 'troubleshooting.png'), fullPage: true });

  // 5. Uninstall: sessions end and launches fail.
  const { event_ids } = await env.control.uninstall(env.seed.installation_id);
  await waitForDelivered(event_ids);
  await pageB.reload();
  assert.equal(await pageB.getByTestId('status').textContent(), 'signed out');
  // The App Manager no longer launches it; a direct hit on the standalone URL gets the failure page.
  const viaEmulator = await pageB.goto(env.control.launchUrl(env.seed.installation_id, grace.user_id));
  assert.ok(viaEmulator && viaEmulator.status() >= 400, 'the emulator refuses to launch an uninstalled app');
  const standalone = new URL('appconnect/launch', env.demoUrl);
  standalone.search = new URLSearchParams({ talkdesk_installation_id: env.seed.installation_id, talkdesk_user_id: grace.user_id }).toString();
  const direct = await pageB.goto(standalone.href);
  assert.ok(direct && direct.status() >= 400, 'the standalone URL refuses an uninstalled installation');
  assert.equal(await pageB.locator('#reference').count(), 1, 'launch after uninstall shows the failure page');
  await pageB.screenshot({ path: join(SHOTS, 'failure-uninstalled.png') });
  assert.equal((await contextB.request.get(`${env.demoUrl}me`)).status(), 401);
});
