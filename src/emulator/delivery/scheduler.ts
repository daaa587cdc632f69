import type { EmulatorCore } from '../core.ts';
import type { EventRow } from '../state/events.ts';
import { sendEvent } from './sender.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Works the SQLite outbox: sends due events, at most one at a time per installation (so first attempts
 * go out in creation order), records every attempt, and schedules retries at +5 min and +10 min after
 * the previous attempt (divided by the time scale). State is all in the database, so a restart resumes.
 */
export class DeliveryScheduler {
  private readonly inFlight = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;

  constructor(private readonly core: EmulatorCore) {
    core.kick = () => this.kick();
  }

  kick(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  private tick(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.core.clock.now();
    for (const row of this.core.events.due(now)) {
      if (this.inFlight.has(row.installation_id)) continue;
      this.inFlight.add(row.installation_id);
      const job = this.attempt(row)
        .catch((err: unknown) => this.core.config.log(`delivery error: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          this.inFlight.delete(row.installation_id);
          this.running.delete(job);
          this.kick();
        });
      this.running.add(job);
    }
    const next = this.core.events.nextDueAt();
    if (next !== undefined && next > now) {
      this.timer = setTimeout(() => this.tick(), Math.min(next - now, MAX_TIMER_MS));
      this.timer.unref();
    }
  }

  private async attempt(row: EventRow): Promise<void> {
    const { core } = this;
    const app = core.apps.get(row.app_id);
    if (!app) return;
    const result = await sendEvent(core, app.events_url, row.body, { signal: this.stop.signal });
    if (result.aborted) return;
    core.tx(() => {
      core.events.addAttempt({
        event_id: row.id,
        started_at: result.startedAt,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        ok: result.ok ? 1 : 0,
      });
      const current = core.events.get(row.id);
      // A redeliver or a pause during the attempt decided the next step already.
      if (!current || current.status !== 'pending' || current.round_attempts !== row.round_attempts) return;
      const round = row.round_attempts + 1;
      if (result.ok) core.events.schedule(row.id, 'delivered', null, round);
      else {
        const delay = core.config.retryDelaysMs[round - 1];
        if (delay === undefined) core.events.schedule(row.id, 'failed', null, round);
        else core.events.schedule(row.id, 'pending', core.clock.now() + Math.ceil(delay / core.config.timeScale), round);
      }
    });
    core.config.log(`event ${row.type} ${row.id}: ${result.ok ? 'delivered' : `attempt failed (${result.error ?? ''})`}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stop.abort();
    await Promise.allSettled([...this.running]);
  }
}
