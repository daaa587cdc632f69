import type { Store } from '../stores/types.ts';
import type { Logger } from '../telemetry/types.ts';

/** How long finished things are kept before the housekeeper deletes them. */
export interface RetentionPolicy {
  /** Processed event ids, for de-duplication (DESIGN.md: 30 days; keep at least Talkdesk's retry span). */
  eventsMs: number;
  /** Done and dead-lettered outbox items (pending ones are never deleted). */
  outboxMs: number;
  /** SSO failure records (the troubleshooting history). */
  failuresMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  eventsMs: 30 * 86_400_000,
  outboxMs: 7 * 86_400_000,
  failuresMs: 30 * 86_400_000,
};

export interface HousekeeperOptions {
  store: Store;
  logger: Logger;
  clock: () => number;
  retention?: Partial<RetentionPolicy>;
  /** Period of `start()` (default 10 minutes; the first round runs a minute after start). */
  intervalMs?: number;
}

export interface Housekeeper {
  start(): void;
  stop(): Promise<void>;
  /** One round: returns how many rows each purge removed. */
  runOnce(): Promise<Record<'transactions' | 'sessions' | 'events' | 'outbox' | 'failures', number>>;
}

/**
 * Deletes what has expired or served its time: login transactions and sessions past their expiry,
 * processed event ids past the de-duplication window, finished outbox items and old failure records.
 * Every instance may run it: each purge is an idempotent delete. A failing purge is logged and the
 * others still run.
 */
export function createHousekeeper(options: HousekeeperOptions): Housekeeper {
  const { store, logger, clock } = options;
  const retention = { ...DEFAULT_RETENTION, ...options.retention };
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function purge(name: string, step: () => Promise<number> | undefined): Promise<number> {
    try {
      return (await step()) ?? 0;
    } catch (error) {
      logger.warn({ purge: name, error: error instanceof Error ? error.name : 'error' }, 'appconnect: housekeeping step failed; will retry next round');
      return 0;
    }
  }

  async function runOnce() {
    const now = clock();
    const removed = {
      transactions: await purge('transactions', () => store.transactions.purgeExpired(now)),
      sessions: await purge('sessions', () => store.sessions.purgeExpired(now)),
      events: await purge('events', () => store.installations.purgeEventsBefore(now - retention.eventsMs)),
      outbox: await purge('outbox', () => store.installations.purgeOutboxBefore?.(now - retention.outboxMs)),
      failures: await purge('failures', () => store.failures.purgeBefore?.(now - retention.failuresMs)),
    };
    if (Object.values(removed).some((n) => n > 0)) logger.debug({ removed }, 'appconnect: housekeeping');
    return removed;
  }

  function round(): void {
    if (running) return;
    running = runOnce().finally(() => {
      running = undefined;
    });
  }

  return {
    start() {
      if (timer) return;
      first = setTimeout(round, Math.min(60_000, intervalMs));
      first.unref();
      timer = setInterval(round, intervalMs);
      timer.unref();
    },
    async stop() {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      first = timer = undefined;
      await running;
    },
    runOnce,
  };
}
