import type { Db } from '../db.ts';

/** pending: waiting for an attempt; held: paused by a test control; delivered; failed: out of attempts. */
export type DeliveryStatus = 'pending' | 'held' | 'delivered' | 'failed';

export interface EventRow {
  seq: number;
  id: string;
  app_id: string;
  installation_id: string;
  type: string;
  /** The exact JSON sent, byte for byte (it is what gets signed). */
  body: string;
  created_at: number;
  status: DeliveryStatus;
  round_attempts: number;
  next_attempt_at: number | null;
  dispatch_order: number;
}

export interface AttemptRow {
  event_id: string;
  n: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  ok: number;
}

export class EventsRepo {
  constructor(private readonly db: Db) {}

  insert(row: Omit<EventRow, 'seq' | 'round_attempts' | 'dispatch_order'>): void {
    this.db
      .prepare(
        `INSERT INTO events (id, app_id, installation_id, type, body, created_at, status, next_attempt_at)
         VALUES (@id, @app_id, @installation_id, @type, @body, @created_at, @status, @next_attempt_at)`,
      )
      .run(row);
  }

  get(id: string): EventRow | undefined {
    return this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
  }

  list(installationId?: string): EventRow[] {
    if (installationId) {
      return this.db.prepare('SELECT * FROM events WHERE installation_id = ? ORDER BY seq').all(installationId) as EventRow[];
    }
    return this.db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
  }

  /** Pending events due at `now`, in dispatch order (time, then test-chosen order, then creation). */
  due(now: number): EventRow[] {
    return this.db
      .prepare("SELECT * FROM events WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, dispatch_order, seq")
      .all(now) as EventRow[];
  }

  nextDueAt(): number | undefined {
    const row = this.db.prepare("SELECT MIN(next_attempt_at) AS t FROM events WHERE status = 'pending'").get() as { t: number | null };
    return row.t ?? undefined;
  }

  held(installationId?: string): EventRow[] {
    if (installationId) {
      return this.db.prepare("SELECT * FROM events WHERE status = 'held' AND installation_id = ? ORDER BY seq").all(installationId) as EventRow[];
    }
    return this.db.prepare("SELECT * FROM events WHERE status = 'held' ORDER BY seq").all() as EventRow[];
  }

  schedule(id: string, status: DeliveryStatus, nextAttemptAt: number | null, roundAttempts: number, dispatchOrder = 0): void {
    this.db
      .prepare('UPDATE events SET status = ?, next_attempt_at = ?, round_attempts = ?, dispatch_order = ? WHERE id = ?')
      .run(status, nextAttemptAt, roundAttempts, dispatchOrder, id);
  }

  attempts(eventId: string): AttemptRow[] {
    return this.db.prepare('SELECT * FROM attempts WHERE event_id = ? ORDER BY n').all(eventId) as AttemptRow[];
  }

  addAttempt(row: Omit<AttemptRow, 'n'>): number {
    const last = this.db.prepare('SELECT MAX(n) AS n FROM attempts WHERE event_id = ?').get(row.event_id) as { n: number | null };
    const n = (last.n ?? 0) + 1;
    this.db
      .prepare('INSERT INTO attempts (event_id, n, started_at, duration_ms, status_code, error, ok) VALUES (@event_id, @n, @started_at, @duration_ms, @status_code, @error, @ok)')
      .run({ ...row, n });
    return n;
  }
}
