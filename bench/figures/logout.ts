import autocannon from 'autocannon';
import { CookieJar } from '../lib/cookie-jar.ts';
import { follow, send } from '../lib/browser.ts';
import { figure, type Figure } from '../lib/report.ts';
import { percentile } from '../lib/stats.ts';
import { logoutEvent, postEvent, sign } from '../lib/talkdesk.ts';
import { FIXED_USER, startOidcWorld, type OidcWorld } from '../lib/worlds.ts';
import type { ServerChild } from '../lib/child.ts';
import type { BenchPlan } from '../plan.ts';
import { sessionCookie } from './requests.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the page back to back (one request in flight) until it is refused; returns when. */
async function firstRefusal(pageUrl: string, cookie: string, t0: number): Promise<number> {
  for (;;) {
    const reply = await send(pageUrl, { headers: { cookie, accept: 'application/json' } });
    if (reply.status === 401 || reply.status === 302) return performance.now();
    if (reply.status !== 200) throw new Error(`page answered ${reply.status}`);
    if (performance.now() - t0 > 10_000) throw new Error('no refusal within 10 s');
  }
}

async function signIn(startUrl: string, rp: ServerChild, jar: CookieJar): Promise<string> {
  const host = new URL(rp.url).host;
  jar.clear(host);
  const page = await follow(startUrl, jar);
  if (page.status !== 200) throw new Error(`login ended on ${page.status}`);
  return jar.header(host)!;
}

/** Our kit: user.logout posted (signed) to instance A; refusals watched on `watch` (A or B). */
async function oursSamples(world: OidcWorld, watch: ServerChild, n: number): Promise<number[]> {
  const jar = new CookieJar();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const cookie = await signIn(world.launchUrl, world.ours!, jar);
    const event = sign(world.signer, logoutEvent(world.installation, world.issuer, FIXED_USER));
    const t0 = performance.now();
    const posted = postEvent(`${world.ours!.url}/appconnect/events`, event);
    const t1 = await firstRefusal(`${watch.url}/page`, cookie, t0);
    const reply = await posted;
    if (reply.status >= 300) throw new Error(`user.logout answered ${reply.status}`);
    samples.push(t1 - t0);
    await sleep(2); // the next login starts after this logout's watermark
  }
  return samples;
}

/** express-openid-connect: oidc-provider sends its back-channel logout token; refusals watched on the RP. */
async function eocSamples(world: OidcWorld, n: number): Promise<number[]> {
  const jar = new CookieJar();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const cookie = await signIn(`${world.eoc!.url}/login`, world.eoc!, jar);
    const t0 = performance.now();
    const sent = send(`${world.authz.url}/bench/backchannel?client_id=eoc&sub=${FIXED_USER}`, { method: 'POST', body: '' });
    const t1 = await firstRefusal(`${world.eoc!.url}/page`, cookie, t0);
    const reply = await sent;
    if (reply.status !== 204) throw new Error(`back-channel logout answered ${reply.status}: ${reply.body}`);
    samples.push(t1 - t0);
  }
  return samples;
}

interface Quantiles {
  p50: number[];
  p99: number[];
}

async function repeat(runs: number, take: () => Promise<number[]>): Promise<Quantiles> {
  const q: Quantiles = { p50: [], p99: [] };
  for (let i = 0; i < runs; i++) {
    const samples = await take();
    q.p50.push(percentile(samples, 50));
    q.p99.push(percentile(samples, 99));
  }
  return q;
}

/** Figure 3 (Single Sign-Out) and 5a (memory with a million stored sessions). */
export async function logoutFigures(plan: BenchPlan, log: (s: string) => void): Promise<Figure[]> {
  const world = await startOidcWorld({ peers: ['ours', 'eoc', 'lean'], twin: true });
  try {
    const ours = world.ours!;
    const seed = (count: number) => ours.call<number>('seed', { count, installationId: world.installation.installationId, accountId: world.installation.accountId }, 600_000);
    await seed(1000);
    await oursSamples(world, ours, 20); // warm-up
    await eocSamples(world, 20);
    const small = await repeat(plan.logoutRuns, () => oursSamples(world, ours, plan.logoutSamples));
    const smallTwin = await repeat(plan.logoutRuns, () => oursSamples(world, world.oursTwin!, plan.logoutSamples));
    const eoc = await repeat(plan.logoutRuns, () => eocSamples(world, plan.logoutSamples));

    const t = performance.now();
    await seed(plan.bigSessions - 1000);
    log(`  seeded ${plan.bigSessions.toLocaleString('en')} sessions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await oursSamples(world, ours, 20);
    const big = await repeat(plan.logoutRuns, () => oursSamples(world, ours, plan.logoutSamples));
    const bigTwin = await repeat(plan.logoutRuns, () => oursSamples(world, world.oursTwin!, plan.logoutSamples));

    // Resident memory with the million sessions while serving authenticated requests.
    const rssWhileServing = async (child: ServerChild, cookie: string) => {
      const load = autocannon({ url: `${child.url}/page`, connections: 16, duration: 2, headers: { cookie } });
      await sleep(1000);
      const rss = await child.rssBytes();
      await load;
      return rss / 2 ** 20;
    };
    const oursRss = await rssWhileServing(ours, await sessionCookie(world.launchUrl, ours.url));
    await world.lean!.call('seed', plan.bigSessions, 600_000);
    const leanRss = await rssWhileServing(world.lean!, await sessionCookie(`${world.lean!.url}/login`, world.lean!.url));

    const k = '1 000';
    const m = plan.bigSessions === 1_000_000 ? '1 000 000' : plan.bigSessions.toLocaleString('en');
    return [
      figure(`Single Sign-Out to first refused request p50, ${k} sessions, one instance`, 'ms', 'lower', small.p50, { 'express-openid-connect (back-channel)': eoc.p50 }),
      figure(`Single Sign-Out to first refused request p99, ${k} sessions, one instance`, 'ms', 'lower', small.p99, { 'express-openid-connect (back-channel)': eoc.p99 }),
      figure(`Single Sign-Out to first refused request p50, ${k} sessions, two instances`, 'ms', 'lower', smallTwin.p50, { 'ours, one instance': small.p50 }),
      figure(`Single Sign-Out to first refused request p99, ${k} sessions, two instances`, 'ms', 'lower', smallTwin.p99, { 'ours, one instance': small.p99 }),
      figure(`Single Sign-Out to first refused request p50, ${m} sessions, one instance`, 'ms', 'lower', big.p50, { [`ours, ${k} sessions`]: small.p50, 'express-openid-connect (back-channel)': eoc.p50 }),
      figure(`Single Sign-Out to first refused request p99, ${m} sessions, one instance`, 'ms', 'lower', big.p99, { [`ours, ${k} sessions`]: small.p99, 'express-openid-connect (back-channel)': eoc.p99 }),
      figure(`Single Sign-Out to first refused request p50, ${m} sessions, two instances`, 'ms', 'lower', bigTwin.p50, { [`ours, ${k} sessions`]: smallTwin.p50 }),
      figure(`Single Sign-Out to first refused request p99, ${m} sessions, two instances`, 'ms', 'lower', bigTwin.p99, { [`ours, ${k} sessions`]: smallTwin.p99 }),
      figure(`resident memory with ${m} stored sessions while serving (SQLite)`, 'MiB', 'lower', [oursRss], { 'openid-client-lean (sessions in a Map)': [leanRss] }),
    ];
  } finally {
    await world.stop();
  }
}
