import { jarsFor, runLogins, warmLogins, type LoginLoad, type LoginRun } from '../lib/login-load.ts';
import { figure, type Figure } from '../lib/report.ts';
import { startEmulatorWorld, startOidcWorld, type OidcWorld } from '../lib/worlds.ts';
import type { BenchPlan } from '../plan.ts';

const PEER_NAMES = { eoc: 'express-openid-connect', lean: 'openid-client-lean' } as const;

async function measure(load: LoginLoad, plan: BenchPlan, log: (s: string) => void, label: string): Promise<LoginRun[]> {
  const jars = jarsFor(load.concurrency);
  await warmLogins(load, jars);
  const runs: LoginRun[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const run = await runLogins(load, jars);
    if (run.errors > 0) log(`  ${label}: ${run.errors} failed logins (first: ${run.firstError})`);
    runs.push(run);
  }
  return runs;
}

/** Figure 1 on oidc-provider (ours, express-openid-connect, lean RP) and on the emulator (ours). */
export async function loginFigures(plan: BenchPlan, log: (s: string) => void, onWorld?: (w: OidcWorld) => Promise<void>): Promise<Figure[]> {
  const world = await startOidcWorld({ peers: ['ours', 'eoc', 'lean'], ...(plan.profileDir ? { profile: { ours: plan.profileDir, eoc: plan.profileDir, lean: plan.profileDir } } : {}) });
  const results: Record<string, LoginRun[]> = {};
  try {
    const rps = { ours: world.ours!, eoc: world.eoc!, lean: world.lean! };
    const starts = { ours: world.launchUrl, eoc: `${rps.eoc.url}/login`, lean: `${rps.lean.url}/login` };
    // Interleaved rounds so that background load on the machine hits every RP alike.
    const jarsByRp: Record<string, ReturnType<typeof jarsFor>> = {};
    for (const name of ['ours', 'eoc', 'lean'] as const) {
      const load: LoginLoad = { startUrl: () => starts[name], rpHost: new URL(rps[name].url).host, rp: rps[name], concurrency: 20, durationMs: plan.loginMs };
      jarsByRp[name] = jarsFor(20);
      await warmLogins(load, jarsByRp[name]);
      results[name] = [];
    }
    for (let i = 0; i < plan.runs; i++) {
      for (const name of ['ours', 'eoc', 'lean'] as const) {
        const load: LoginLoad = { startUrl: () => starts[name], rpHost: new URL(rps[name].url).host, rp: rps[name], concurrency: 20, durationMs: plan.loginMs };
        const run = await runLogins(load, jarsByRp[name]!);
        if (run.errors > 0) log(`  ${name}: ${run.errors} failed logins (first: ${run.firstError})`);
        results[name]!.push(run);
      }
    }
    if (onWorld) await onWorld(world);
  } finally {
    await world.stop();
  }

  const emu = await startEmulatorWorld(20);
  let emuRuns: LoginRun[];
  try {
    const load: LoginLoad = {
      startUrl: (vu) => emu.control.launchUrl(emu.installationId, emu.userIds[vu]!),
      rpHost: new URL(emu.ours.url).host,
      rp: emu.ours,
      concurrency: 20,
      durationMs: plan.loginMs,
    };
    emuRuns = await measure(load, plan, log, 'ours on the emulator');
  } finally {
    await emu.stop();
  }

  const pick = (runs: LoginRun[], key: keyof Pick<LoginRun, 'loginsPerSecond' | 'p50Ms' | 'p99Ms' | 'cpuMsPerLogin'>) => runs.map((r) => r[key]);
  const peers = (key: Parameters<typeof pick>[1]) => ({ [PEER_NAMES.eoc]: pick(results.eoc!, key), [PEER_NAMES.lean]: pick(results.lean!, key), 'ours on the emulator': pick(emuRuns, key) });
  return [
    figure('logins per second at concurrency 20 (oidc-provider)', 'logins/s', 'higher', pick(results.ours!, 'loginsPerSecond'), peers('loginsPerSecond')),
    figure('one whole login p50 (oidc-provider)', 'ms', 'lower', pick(results.ours!, 'p50Ms'), peers('p50Ms')),
    figure('one whole login p99 (oidc-provider)', 'ms', 'lower', pick(results.ours!, 'p99Ms'), peers('p99Ms')),
    figure('relying-party CPU per login (oidc-provider)', 'ms', 'lower', pick(results.ours!, 'cpuMsPerLogin'), peers('cpuMsPerLogin')),
  ];
}
