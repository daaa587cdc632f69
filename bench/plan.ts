/** How long and how often each figure is measured (quick: a million sessions take ~35 s to seed, so 100 000). */
export interface BenchPlan {
  quick: boolean;
  runs: number;
  loginMs: number;
  requestMs: number;
  logoutSamples: number;
  logoutRuns: number;
  bigSessions: number;
  eventMs: number;
  floodLaunches: number;
  profileDir?: string;
}

export function planFor(quick: boolean, profileDir?: string): BenchPlan {
  const base: BenchPlan = quick
    ? { quick, runs: 3, loginMs: 1000, requestMs: 1000, logoutSamples: 200, logoutRuns: 1, bigSessions: 100_000, eventMs: 1000, floodLaunches: 3_000 }
    : { quick, runs: 5, loginMs: 5000, requestMs: 5000, logoutSamples: 300, logoutRuns: 3, bigSessions: 1_000_000, eventMs: 5000, floodLaunches: 100_000 };
  return profileDir ? { ...base, profileDir } : base;
}
