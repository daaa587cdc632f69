import { CookieJar } from './cookie-jar.ts';
import { follow } from './browser.ts';
import type { ServerChild } from './child.ts';
import { percentile } from './stats.ts';

export interface LoginLoad {
  /** Where virtual user `vu` starts a login (the launch). */
  startUrl(vu: number): string;
  /** Origin (host:port) of the relying party: its cookies are dropped before each login. */
  rpHost: string;
  rp: ServerChild;
  concurrency: number;
  durationMs: number;
  /** Safety bound on logins per run. */
  maxLogins?: number;
}

export interface LoginRun {
  loginsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerLogin: number;
  logins: number;
  errors: number;
  firstError?: string;
}

/** One complete login: launch -> authorize -> callback (token + userinfo) -> first authenticated page. */
async function oneLogin(start: string, jar: CookieJar, rpHost: string): Promise<void> {
  jar.clear(rpHost);
  const page = await follow(start, jar);
  if (page.status !== 200 || !page.body.startsWith('hello')) throw new Error(`login ended on ${page.status} ${page.url}: ${page.body.slice(0, 160)}`);
}

export function jarsFor(concurrency: number): CookieJar[] {
  return Array.from({ length: concurrency }, () => new CookieJar());
}

/** Each virtual user logs in twice (the authorization server's own login, JIT warm-up). */
export async function warmLogins(load: LoginLoad, jars: CookieJar[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await Promise.all(jars.map((jar, vu) => oneLogin(load.startUrl(vu), jar, load.rpHost)));
  }
}

/** Closed-loop load: `concurrency` virtual users log in back to back until the time is up. */
export async function runLogins(load: LoginLoad, jars: CookieJar[]): Promise<LoginRun> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const maxLogins = load.maxLogins ?? 100_000;
  const cpuBefore = await load.rp.cpuMicros();
  const started = performance.now();
  const deadline = started + load.durationMs;
  await Promise.all(
    jars.slice(0, load.concurrency).map(async (jar, vu) => {
      while (performance.now() < deadline && latencies.length + errors < maxLogins) {
        const t0 = performance.now();
        try {
          await oneLogin(load.startUrl(vu), jar, load.rpHost);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  const cpuAfter = await load.rp.cpuMicros();
  const logins = latencies.length;
  return {
    loginsPerSecond: (logins / elapsed) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerLogin: logins > 0 ? (cpuAfter - cpuBefore) / 1000 / logins : Number.NaN,
    logins,
    errors,
    ...(firstError ? { firstError } : {}),
  };
}
