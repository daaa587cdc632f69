import autocannon from 'autocannon';
import { CookieJar } from '../lib/cookie-jar.ts';
import { follow } from '../lib/browser.ts';
import { startChild } from '../lib/child.ts';
import { figure, type Figure } from '../lib/report.ts';
import type { OidcWorld } from '../lib/worlds.ts';
import type { BenchPlan } from '../plan.ts';
import { freePort } from '../../examples/demo/app.ts';

/** Signs in once and returns the Cookie header of the relying party. */
export async function sessionCookie(startUrl: string, rpUrl: string): Promise<string> {
  const jar = new CookieJar();
  const page = await follow(startUrl, jar);
  if (page.status !== 200) throw new Error(`login for ${rpUrl} ended on ${page.status}`);
  return jar.header(new URL(rpUrl).host) ?? '';
}

export async function hammer(url: string, cookie: string | undefined, seconds: number, log: (s: string) => void): Promise<number> {
  const result = await autocannon({ url, connections: 32, duration: seconds, ...(cookie ? { headers: { cookie } } : {}) });
  if (result.non2xx > 0 || result.errors > 0) log(`  ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total / result.duration;
}

/** Figure 2: requests/s on a page that only checks the session, against bare node:http. */
export async function requestFigures(world: OidcWorld, plan: BenchPlan, log: (s: string) => void): Promise<Figure[]> {
  const bare = await startChild('bare', { port: await freePort('127.0.0.1') });
  try {
    const targets = {
      ours: { url: `${world.ours!.url}/page`, cookie: await sessionCookie(world.launchUrl, world.ours!.url) },
      'express-openid-connect': { url: `${world.eoc!.url}/page`, cookie: await sessionCookie(`${world.eoc!.url}/login`, world.eoc!.url) },
      'openid-client-lean': { url: `${world.lean!.url}/page`, cookie: await sessionCookie(`${world.lean!.url}/login`, world.lean!.url) },
      'bare node:http': { url: `${bare.url}/page`, cookie: undefined },
    };
    const seconds = Math.max(1, Math.round(plan.requestMs / 1000));
    const runs: Record<string, number[]> = {};
    for (const name of Object.keys(targets)) runs[name] = [];
    for (let i = 0; i < plan.runs; i++) {
      for (const [name, t] of Object.entries(targets)) runs[name]!.push(await hammer(t.url, t.cookie, seconds, log));
    }
    const { ours, ...peers } = runs;
    return [figure('authenticated requests per second (page that only checks the session)', 'req/s', 'higher', ours!, peers)];
  } finally {
    await bare.stop();
  }
}

/** Figure 5b: resident memory after a flood of launches that never come back to the callback. */
export async function floodFigures(world: OidcWorld, plan: BenchPlan): Promise<Figure[]> {
  const targets = {
    ours: { child: world.ours!, url: world.launchUrl },
    'express-openid-connect': { child: world.eoc!, url: `${world.eoc!.url}/login` },
    'openid-client-lean': { child: world.lean!, url: `${world.lean!.url}/login` },
  };
  const rss: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(targets)) {
    await autocannon({ url: t.url, connections: 32, amount: plan.floodLaunches, timeout: 30 });
    rss[name] = [(await t.child.rssBytes()) / 2 ** 20];
  }
  const { ours, ...peers } = rss;
  return [figure(`resident memory after ${plan.floodLaunches.toLocaleString('en')} launches without callbacks`, 'MiB', 'lower', ours!, peers)];
}
