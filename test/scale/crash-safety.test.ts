import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startAppProcess, type AppProcess } from './app-process.ts';
import { eventTemplate, logoutEvent } from './events.ts';
import { available, dropSchema, postgresStoreUrl, runName, withPg } from './services.ts';
import { installWithUsers, ports, startWorld, type ScaleWorld } from './world.ts';

/**
 * Bursts of signed events to one app process, killed with SIGKILL at a random moment, three rounds:
 * every event that got a 2xx is in the store after the crash, none is applied twice (each user.logout
 * queues exactly one revocation, together with its de-duplication record or not at all), the store
 * is not corrupt, and the restarted process accepts Talkdesk's redeliveries of the rest.
 */
const ROUNDS = 3;
const BURST = 40;
const IN_FLIGHT = 6;

interface StoreView {
  /** Throws when the store is damaged. */
  checkIntegrity(): Promise<void>;
  processedEventIds(): Promise<Set<string>>;
  /** The logout's effect per user id: its watermark, written in the event's own transaction. */
  revocationsPerUser(): Promise<Map<string, number>>;
}

function sqliteView(file: string): StoreView {
  const open = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file, { fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    async checkIntegrity() {
      const rows = open((db) => db.pragma('integrity_check') as Array<{ integrity_check: string }>);
      assert.deepEqual(rows, [{ integrity_check: 'ok' }], 'SQLite integrity_check');
    },
    async processedEventIds() {
      return new Set(open((db) => db.prepare('SELECT event_id FROM processed_events').pluck().all() as string[]));
    },
    async revocationsPerUser() {
      // SQLite ends the sessions in the event's own transaction: the effect is the user's watermark
      // (and no revocation is left in the outbox).
      const queued = open((db) => db.prepare("SELECT count(*) FROM outbox WHERE json_extract(payload, '$.kind') = 'revoke_user_sessions'").pluck().get() as number);
      assert.equal(queued, 0, 'no revocation left to a worker');
      const rows = open((db) => db.prepare('SELECT user_id AS user, count(*) AS n FROM user_watermarks GROUP BY user_id').all() as Array<{ user: string; n: number }>);
      return new Map(rows.map((r) => [r.user, r.n]));
    },
  };
}

function postgresView(schema: string): StoreView {
  return {
    async checkIntegrity() {
      await withPg(async (client) => {
        for (const table of ['installations', 'processed_events', 'licences', 'outbox', 'sessions', 'user_watermarks', 'token_cache']) {
          await client.query(`SELECT count(*) FROM ${schema}.${table}`);
        }
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT i.indisvalid`, [schema]);
        assert.equal(rows[0].n, 0, 'no invalid index');
      });
    },
    async processedEventIds() {
      return withPg(async (client) => new Set((await client.query(`SELECT event_id FROM ${schema}.processed_events`)).rows.map((r: { event_id: string }) => r.event_id)));
    },
    async revocationsPerUser() {
      // Sessions in PostgreSQL too: the logout ends them in the event's own transaction, so the effect
      // is the user's watermark and no revocation is left in the outbox.
      return withPg(async (client) => {
        const queued = await client.query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE payload->>'kind' = 'revoke_user_sessions'`);
        assert.equal(queued.rows[0].n, 0, 'no revocation left to a worker');
        const { rows } = await client.query(`SELECT user_id AS user, count(*)::int AS n FROM ${schema}.user_watermarks GROUP BY 1`);
        return new Map(rows.map((r: { user: string; n: number }) => [r.user, r.n]));
      });
    },
  };
}

interface Sent {
  id: string;
  userId: string;
  body: Record<string, unknown>;
  acked: boolean;
}

/** Every acknowledged event is stored with its one effect; no event has two; id and effect go together. */
async function assertConsistent(view: StoreView, sent: readonly Sent[], label: string): Promise<void> {
  await view.checkIntegrity();
  const processed = await view.processedEventIds();
  const revocations = await view.revocationsPerUser();
  for (const event of sent) {
    const stored = processed.has(event.id);
    const effects = revocations.get(event.userId) ?? 0;
    if (event.acked) assert.ok(stored, `${label}: an acknowledged event is missing after the crash`);
    assert.ok(effects <= 1, `${label}: an event was applied ${effects} times`);
    assert.equal(effects, stored ? 1 : 0, `${label}: event record and effect are not atomic`);
  }
}

async function burstAndKill(world: ScaleWorld, app: AppProcess, installationId: string, events: Sent[]): Promise<void> {
  const killAfterAcks = 2 + Math.floor(Math.random() * (BURST / 2));
  let acks = 0;
  let killing: Promise<void> | undefined;
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      const result = await world.control.sendEvent({ installation_id: installationId, body: event.body, signature: 'valid' });
      event.acked = result.ok && result.status_code !== null && result.status_code >= 200 && result.status_code < 300;
      if (event.acked && ++acks === killAfterAcks) {
        killing = new Promise((resolve) => setTimeout(resolve, Math.random() * 10)).then(() => app.kill());
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  assert.ok(killing, 'the process was killed during the burst');
  await killing;
}

async function crashRounds(storeEnv: Record<string, string>, dataDir: string, view: StoreView): Promise<{ acked: number; lost: number }> {
  const [port] = await ports(1);
  const url = `http://127.0.0.1:${port}`;
  const world = await startWorld({ events: url, login: url });
  const env = { ...storeEnv, PORT: String(port), DATA_DIR: dataDir, APPCONNECT_SECRET_KEY: randomBytes(32).toString('hex'), EMULATOR_ORIGIN: world.emulatorOrigin, APP_ID: world.appId };
  let app = await startAppProcess(env);
  try {
    const { installationId } = await installWithUsers(world, 1);
    const template = await eventTemplate(world, installationId);
    const sent: Sent[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const burst = Array.from({ length: BURST }, () => ({ ...logoutEvent(template), acked: false }));
      sent.push(...burst);
      await burstAndKill(world, app, installationId, burst);
      assert.ok(burst.some((e) => e.acked) && burst.some((e) => !e.acked), `round ${round}: the kill fell inside the burst`);
      await assertConsistent(view, sent, `round ${round}, after SIGKILL`);
      app = await startAppProcess(env);
      await assertConsistent(view, sent, `round ${round}, after restart`);
    }
    // Talkdesk redelivers what was not acknowledged (and may repeat what was): all 2xx, each applied once.
    for (const event of sent) {
      const result = await world.control.sendEvent({ installation_id: installationId, body: event.body, signature: 'valid' });
      assert.equal(result.status_code, 200, 'a redelivery is accepted');
    }
    await assertConsistent(view, sent.map((e) => ({ ...e, acked: true })), 'after redelivery');
    return { acked: sent.filter((e) => e.acked).length, lost: sent.filter((e) => !e.acked).length };
  } finally {
    await app.stop();
    await world.close();
  }
}

describe('SIGKILL during a burst of events', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'appconnect-crash-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('SQLite: acknowledged events survive, none applied twice, integrity_check ok', async () => {
    const dir = tempDir();
    const counts = await crashRounds({}, dir, sqliteView(join(dir, 'appconnect.db')));
    console.log(`crash-safety sqlite: ${ROUNDS} rounds, ${counts.acked} events acknowledged before the kills, ${counts.lost} redelivered after`);
  });

  test('PostgreSQL: acknowledged events survive, none applied twice, store readable', async (t) => {
    if (!(await available('PostgreSQL'))) return t.skip('PostgreSQL unreachable');
    const schema = runName('crash');
    try {
      const counts = await crashRounds({ APPCONNECT_STORE_URL: postgresStoreUrl(schema) }, tempDir(), postgresView(schema));
      console.log(`crash-safety postgres: ${ROUNDS} rounds, ${counts.acked} events acknowledged before the kills, ${counts.lost} redelivered after`);
    } finally {
      await dropSchema(schema);
    }
  });
});
