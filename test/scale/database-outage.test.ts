import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTcpProxy, type TcpProxy } from '../stores/tcp-proxy.ts';
import { startAppProcess, type AppProcess } from './app-process.ts';
import { eventTemplate, logoutEvent } from './events.ts';
import { available, dropSchema, postgresStoreUrl, runName } from './services.ts';
import { installWithUsers, ports, signIn, startWorld, waitUntil, whoAmI, type ScaleWorld } from './world.ts';

/**
 * The app process reaches PostgreSQL through a TCP proxy; cutting it drops every connection and
 * refuses new ones (the database is gone). Requests must fail closed, events must get a non-2xx so
 * Talkdesk retries them, and the process must recover by itself when the database is back.
 */
const hasPostgres = await available('PostgreSQL');
const schema = runName('outage');

describe('PostgreSQL going away mid-flight', { skip: !hasPostgres }, () => {
  let world: ScaleWorld;
  let app: AppProcess;
  let proxy: TcpProxy;

  before(async () => {
    proxy = await startTcpProxy('127.0.0.1', 5432);
    const [port] = await ports(1);
    const url = `http://127.0.0.1:${port}`;
    world = await startWorld({ events: url, login: url });
    app = await startAppProcess({
      PORT: String(port),
      DATA_DIR: `/tmp/${schema}`,
      APPCONNECT_STORE_URL: postgresStoreUrl(schema, proxy.port),
      APPCONNECT_SECRET_KEY: randomBytes(32).toString('hex'),
      EMULATOR_ORIGIN: world.emulatorOrigin,
      APP_ID: world.appId,
    });
  });

  after(async () => {
    proxy?.restore();
    await app?.stop();
    await world?.close();
    await proxy?.close();
    await dropSchema(schema);
  });

  test('sessions fail closed, events get a non-2xx, and the process recovers', async () => {
    const { installationId, users } = await installWithUsers(world, 1);
    const template = await eventTemplate(world, installationId);
    const browser = await signIn(world, installationId, users[0]!);
    assert.deepEqual(await whoAmI(browser, app.url), { status: 200, userId: users[0] });

    // Requests in flight when the database goes: each either completed before (the user) or fails closed.
    const inFlight = Array.from({ length: 8 }, () => whoAmI(browser, app.url));
    setImmediate(() => proxy.cut());
    for (const answer of await Promise.all(inFlight)) {
      assert.ok((answer.status === 200 && answer.userId === users[0]) || answer.status >= 500, `in flight: ${answer.status}`);
    }
    proxy.cut();
    const during = await whoAmI(browser, app.url);
    assert.ok(during.status >= 500, `the session check refuses while the database is gone (got ${during.status})`);
    assert.equal(during.userId, undefined);
    const home = await browser.request(`${app.url}/`);
    assert.notEqual(home.response.status, 200, 'no page is served as the signed-in user');
    assert.ok(!home.body.includes(users[0]!), 'the page names no user');

    // The Talkdesk logout of this user arrives now: not durable, so not acknowledged.
    const logout = logoutEvent({ ...template });
    (logout.body.data as { user_id: string }).user_id = users[0]!;
    const refused = await world.control.sendEvent({ installation_id: installationId, body: logout.body, signature: 'valid' });
    assert.ok(refused.status_code === null || refused.status_code >= 500, `the event gets a retryable non-2xx (got ${refused.status_code})`);

    const back = Date.now();
    proxy.restore();
    await waitUntil(async () => (await whoAmI(browser, app.url)).status !== 500 && (await whoAmI(browser, app.url)).status !== 503, 'the app to reach the database again', 15_000);
    const recoveryMs = Date.now() - back;
    assert.deepEqual(await whoAmI(browser, app.url), { status: 200, userId: users[0] }, 'the session (untouched by the refused event) works again');

    // Talkdesk's retry of the same event now succeeds and ends the session.
    const retried = await world.control.sendEvent({ installation_id: installationId, body: logout.body, signature: 'valid' });
    assert.equal(retried.status_code, 200);
    assert.equal((await whoAmI(browser, app.url)).status, 401);
    console.log(`database-outage: /me answered ${during.status} and the event ${refused.status_code} during the outage; recovered ${recoveryMs} ms after the database came back`);
  });
});
