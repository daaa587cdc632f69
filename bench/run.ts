import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planFor } from './plan.ts';
import { line, machine, writeResults, type Figure } from './lib/report.ts';
import { agent } from './lib/browser.ts';
import { summariseProfile } from './lib/profile-summary.ts';
import { loginFigures } from './figures/logins.ts';
import { floodFigures, requestFigures } from './figures/requests.ts';
import { logoutFigures } from './figures/logout.ts';
import { eventFigures } from './figures/events.ts';

/**
 * `npm run bench [-- --quick] [-- --only logins,requests,logout,events] [-- --profile]`: every figure of
 * issue 6 side by side with the peers; results in bench/results/{quick,full}.json.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
const only = new Set((onlyArg ?? 'logins,requests,logout,events').split(','));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const profileDir = args.includes('--profile') ? join(resultsDir, 'profiles') : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const plan = planFor(quick, profileDir);

const started = performance.now();
const log = (s: string) => console.log(s);
const figures: Figure[] = [];
const notes: string[] = [];
const add = (list: Figure[]) => {
  for (const f of list) {
    figures.push(f);
    log(line(f));
  }
};
const section = async (name: string, run: () => Promise<Figure[]>) => {
  if (!only.has(name)) return;
  const t = performance.now();
  log(`# ${name}`);
  try {
    add(await run());
  } catch (error) {
    const message = `${name} failed: ${(error as Error).stack ?? String(error)}`;
    notes.push(message);
    log(message);
    process.exitCode = 1;
  }
  log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
};

log(`appconnect-sso benchmark (${quick ? 'quick' : 'full'}) on ${machine()}`);
await section('logins', async () => {
  const extra: Figure[] = [];
  const logins = await loginFigures(plan, log, async (world) => {
    if (only.has('requests')) {
      extra.push(...(await requestFigures(world, plan, log)));
      extra.push(...(await floodFigures(world, plan)));
    }
  });
  return [...logins, ...extra];
});
if (!only.has('logins') && only.has('requests')) log('requests run inside the logins section (use --only logins,requests)');
await section('logout', () => logoutFigures(plan, log));
await section('events', () => eventFigures(plan, log));

const file = join(resultsDir, quick ? 'quick.json' : 'full.json');
writeResults(file, figures, notes);
log(`wrote ${file} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (profileDir) {
  for (const f of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'))) {
    log(`## profile ${f}`);
    for (const l of summariseProfile(join(profileDir, f), 20)) log(l);
  }
}
agent.destroy();
