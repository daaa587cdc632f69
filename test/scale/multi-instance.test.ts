import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { startAppProcess, type AppProcess } from './app-process.ts';
import { available, deleteRedisPrefix, dropSchema, postgresStoreUrl, REDIS_URL, runName, withPg } from './services.ts';
import { installWithUsers, ports, signIn, startWorld, waitDelivered, whoAmI, type ScaleWorld } from './world.ts';

/**
 * Two demo app processes (A and B) on one PostgreSQL (+ Redis for sessions), one secret key, one
 * registered app: users sign in through A, Talkdesk delivers events to B, and A must refuse the
 * ended sessions on the very next request once B has acknowledged the event.
 */
const hasPostgres = await available('PostgreSQL');
const hasRedis = hasPostgres && (await available('Redis'));

/** Sessions in PostgreSQL (fan-out by LISTEN/NOTIFY), then in Redis (fan-out by pub/sub). */
twoInstances(false);
if (hasRedis) twoInstances(true);

function twoInstances(useRedis: boolean): void {
  const schema = runName(useRedis ? 'multir' : 'multi');
  const redisPrefix = `${schema}:`;
  describe(`two instances on one PostgreSQL${useRedis ? ', sessions in Redis' : ''}`, { skip: !hasPostgres }, () => {
    let world: ScaleWorld;
    let a: AppProcess;
    let b: AppProcess;
    /** A third instance with an in-process session cache (60 s): only revocation fan-out keeps it right. */
    let c: AppProcess;
    let installationId: string;
    let users: string[];
    const figures: Record<string, number> = {};

    before(async () => {
      const [portA, portB, portC] = await ports(3);
      const urlA = `http://127.0.0.1:${portA}`;
      const urlB = `http://127.0.0.1:${portB}`;
      world = await startWorld({ events: urlB, login: urlA }, { countTokens: true });
      const env = {
        APPCONNECT_STORE_URL: postgresStoreUrl(schema),
        ...(useRedis ? { APPCONNECT_SESSIONS_URL: `${REDIS_URL}?prefix=${encodeURIComponent(redisPrefix)}` } : {}),
        APPCONNECT_SECRET_KEY: randomBytes(32).toString('hex'),
        EMULATOR_ORIGIN: world.emulatorOrigin,
        APP_ID: world.appId,
      };
      // B first: it applies the migrations; A then finds them (both would also be safe at once).
      b = await startAppProcess({ ...env, PORT: String(portB), DATA_DIR: `/tmp/${schema}-b` });
      [a, c] = await Promise.all([
        startAppProcess({ ...env, PORT: String(portA), DATA_DIR: `/tmp/${schema}-a` }),
        startAppProcess({ ...env, PORT: String(portC), DATA_DIR: `/tmp/${schema}-c`, APPCONNECT_SESSION_CACHE_MS: '60000' }),
      ]);
      ({ installationId, users } = await installWithUsers(world, 4));
    });

    after(async () => {
      await Promise.allSettled([a?.stop(), b?.stop(), c?.stop()]);
      await world?.close();
      await dropSchema(schema);
      if (useRedis) await deleteRedisPrefix(redisPrefix);
      if (Object.keys(figures).length > 0) console.log(`multi-instance figures, sessions in ${useRedis ? 'Redis' : 'PostgreSQL'} (ms): ${JSON.stringify(figures)}`);
    });

    test('a session made through A is valid on both instances', async () => {
      const browser = await signIn(world, installationId, users[0]!);
      assert.deepEqual(await whoAmI(browser, a.url), { status: 200, userId: users[0] });
      assert.deepEqual(await whoAmI(browser, b.url), { status: 200, userId: users[0] });
    });

    test('an instance with a session cache drops a session revoked on B at once (fan-out)', async () => {
      const dee = await signIn(world, installationId, users[3]!);
      assert.deepEqual(await whoAmI(dee, c.url), { status: 200, userId: users[3] }, 'C has the session (and caches it)');
      // The cache is real: a session removed behind the kit's back (no notification) still answers on C.
      const ghost = await signIn(world, installationId, users[3]!);
      assert.equal((await whoAmI(ghost, c.url)).status, 200);
      await removeSessionSilently(ghost);
      assert.equal((await whoAmI(ghost, c.url)).status, 200, 'C serves it from its cache (so the next check proves the fan-out)');
      // (A's refusal also clears the cookie in this browser, shared by both instances: so A comes last.)
      assert.equal((await whoAmI(ghost, a.url)).status, 401, 'A reads the store: the session is gone');

      const started = Date.now();
      const { event_ids: eventIds } = await world.control.logout(users[3]!);
      await waitDelivered(world, installationId, eventIds);
      assert.equal((await whoAmI(dee, c.url)).status, 401, 'C refuses the revoked session on the very next request');
      figures.logoutToRefusalOnCachingInstance = Date.now() - started;
    });

    test('user.logout delivered to B: A refuses the session on the very next request', async () => {
      const [ann, bob] = [await signIn(world, installationId, users[0]!), await signIn(world, installationId, users[1]!)];
      assert.equal((await whoAmI(ann, a.url)).status, 200);
      const started = Date.now();
      const { event_ids: eventIds } = await world.control.logout(users[0]!);
      assert.ok(eventIds.length >= 1, 'the emulator sent user.logout');
      const [delivery] = await waitDelivered(world, installationId, eventIds);
      assert.equal(delivery!.type, 'user.logout');
      const refused = await whoAmI(ann, a.url);
      figures.logoutToRefusal = Date.now() - started;
      figures.logoutProcessingOnB = delivery!.attempts.at(-1)!.duration_ms;
      assert.equal(refused.status, 401, 'A refuses the logged-out user at once');
      assert.equal((await whoAmI(ann, b.url)).status, 401);
      assert.deepEqual(await whoAmI(bob, a.url), { status: 200, userId: users[1] }, 'other users keep their sessions');
    });

    test('licence removal delivered to B: A refuses that user at once, others stay', async () => {
      const [bob, cy] = [await signIn(world, installationId, users[1]!), await signIn(world, installationId, users[2]!)];
      assert.equal((await whoAmI(bob, a.url)).status, 200);
      const started = Date.now();
      const { event_id: eventId } = await world.control.setLicenses(installationId, { removing: [users[1]!] });
      await waitDelivered(world, installationId, [eventId]);
      assert.equal((await whoAmI(bob, a.url)).status, 401, 'A refuses the user whose licence was removed');
      figures.licenceRemovalToRefusal = Date.now() - started;
      assert.deepEqual(await whoAmI(cy, a.url), { status: 200, userId: users[2] });
      // Signing in again is refused too (the licence check reads the shared store).
      const again = await world.control.launchUrl(installationId, users[1]!);
      const retry = await bob.navigate(again);
      assert.notEqual(retry.status, 200, 'an unlicensed user cannot sign in again through A');
      assert.equal((await whoAmI(bob, a.url)).status, 401);
    });

    /** Deletes the browser's session straight in the session store, bypassing the kit (no revocation notice). */
    async function removeSessionSilently(browser: import('../sso/browser.ts').Browser): Promise<void> {
      const id = browser.cookie('127.0.0.1', 'appconnect-session');
      assert.ok(id, 'the browser holds a session cookie');
      const idHash = createHash('sha256').update(id).digest('base64url');
      if (useRedis) {
        const client = createClient({ url: REDIS_URL });
        await client.connect();
        try {
          assert.equal(await client.del(`${redisPrefix}s:${idHash}`), 1, 'the session key existed');
        } finally {
          client.destroy();
        }
      } else {
        await withPg(async (client) => assert.equal((await client.query(`DELETE FROM ${schema}.sessions WHERE id_hash = $1`, [idHash])).rowCount, 1));
      }
    }

    test('client-credentials token refresh is single-flight across the two instances', async () => {
      // Several events at once to each instance, unsigned: each instance needs the installation's
      // token to fetch the event back. With the shared cache empty, exactly one token request follows.
      await world.control.pauseDeliveries(installationId);
      const extra: string[] = [];
      const { accountId } = await world.control.getInstallation(installationId).then((i) => ({ accountId: i.account_id }));
      for (let i = 0; i < 6; i += 1) extra.push((await world.control.addUser(accountId, { name: `Extra ${i}`, email: `extra${i}@scale.example` })).user_id);
      const eventIds: string[] = [];
      for (const user of extra) eventIds.push((await world.control.setLicenses(installationId, { adding: [user] })).event_id);
      const bodies = await Promise.all(eventIds.map(async (id) => JSON.stringify((await world.control.event(id)).body)));

      await withPg((client) => client.query(`DELETE FROM ${schema}.token_cache`));
      const before = world.proxy!.clientCredentialsRequests();
      const statuses = await Promise.all(
        bodies.map(async (body, i) => {
          const target = i % 2 === 0 ? a.url : b.url;
          const response = await fetch(`${target}/appconnect/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.deepEqual(statuses, bodies.map(() => 200), 'every event verified by fetch-back and applied');
      assert.equal(world.proxy!.clientCredentialsRequests() - before, 1, 'one token request for both instances');
      await withPg(async (client) => {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.token_cache`);
        assert.equal(rows[0].n, 1, 'the shared cache holds the one token');
      });
      await world.control.releaseDeliveries({ installation_id: installationId });
      await waitDelivered(world, installationId, eventIds);
    });

    test('uninstall delivered to B: A refuses every session of the installation at once', async () => {
      const cy = await signIn(world, installationId, users[2]!);
      assert.equal((await whoAmI(cy, a.url)).status, 200);
      const started = Date.now();
      const { event_id: eventId } = await world.control.uninstall(installationId);
      await waitDelivered(world, installationId, [eventId]);
      assert.equal((await whoAmI(cy, a.url)).status, 401, 'A refuses sessions of the uninstalled installation');
      figures.uninstallToRefusal = Date.now() - started;
      assert.equal((await whoAmI(cy, b.url)).status, 401);
    });
  });
}
