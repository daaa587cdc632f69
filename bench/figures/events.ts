import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { figure, type Figure } from '../lib/report.ts';
import { logoutEvent, postEvent, sign, type SignedEvent } from '../lib/talkdesk.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOidcWorld, tempDir, type OidcWorld } from '../lib/worlds.ts';
import type { ServerChild } from '../lib/child.ts';
import type { BenchPlan } from '../plan.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 32;

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function presign(world: OidcWorld, count: number): SignedEvent[] {
  const out: SignedEvent[] = [];
  for (let i = 0; i < count; i++) out.push(sign(world.signer, logoutEvent(world.installation, world.issuer, randomBytes(12).toString('hex'))));
  return out;
}

/** Posts distinct signed user.logout events with 32 in flight; counts 2xx (answered only after commit). */
async function eventsPerSecond(kit: ServerChild, events: SignedEvent[], ms: number, log: (s: string) => void, warmUp = false): Promise<number> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && next < events.length) {
        const reply = await postEvent(`${kit.url}/appconnect/events`, events[next++]!);
        if (reply.status >= 200 && reply.status < 300) ok++;
        else failed++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  if (failed > 0) log(`  ${failed} events not accepted`);
  if (next >= events.length && !warmUp) log('  ran out of pre-signed events: raise the pool');
  return (ok / elapsed) * 1000;
}

/** Figure 4: durable events per second through the events callback, SQLite and PostgreSQL. */
export async function eventFigures(plan: BenchPlan, log: (s: string) => void): Promise<Figure[]> {
  const world = await startOidcWorld({ peers: ['ours'] });
  const schema = `bench_${Date.now().toString(36)}`;
  let usedPg = false;
  const normalDir = tempDir('normal');
  try {
    const perRun = Math.ceil((plan.eventMs / 1000) * 8000);
    const measure = async (kit: ServerChild) => {
      await eventsPerSecond(kit, presign(world, 500), 60_000, log, true);
      const runs: number[] = [];
      for (let i = 0; i < plan.runs; i++) runs.push(await eventsPerSecond(kit, presign(world, perRun), plan.eventMs, log));
      return runs;
    };
    const sqlite = await measure(world.ours!);
    // The same kit on SQLite with PRAGMA synchronous=NORMAL (an option of createSqliteStore; WAL keeps it crash-safe for the process, not for power loss).
    const normal = await measure(await world.startKit({ kind: 'sqlite', path: join(normalDir, 'normal.db'), synchronous: 'NORMAL' }));
    const figures = [
      figure('durable events per second through the events callback (SQLite)', 'events/s', 'higher', sqlite, { 'ours, SQLite synchronous=NORMAL': normal }),
    ];
    if (await postgresReachable()) {
      usedPg = true;
      const kit = await world.startKit({ kind: 'postgres', url: PG_URL, schema });
      figures.push(figure('durable events per second through the events callback (PostgreSQL)', 'events/s', 'higher', await measure(kit)));
    } else {
      log('  PostgreSQL at 127.0.0.1:5432 not reachable: skipped');
    }
    return figures;
  } finally {
    await world.stop();
    rmSync(normalDir, { recursive: true, force: true });
    if (usedPg) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end();
    }
  }
}
