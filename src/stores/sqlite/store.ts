import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AppConnectError } from '../../errors/index.ts';
import { clampIdle, clampLimit, licenceChanges, newOutboxItem, truncateError, type OutboxStatus } from '../common.ts';
import { storeUnavailable } from '../errors.ts';
import { localRevocationHub } from '../local-revocations.ts';
import type {
  ApplyEventResult, CachedToken, EventDecision, EventReceipt, FailureRecord, InstallationRecord, LoginTransaction, OutboxItem, OutboxPayload,
  SessionRecord, SessionRevocation, SessionStore, Store,
} from '../types.ts';
import { migrateSqlite } from './migrations.ts';

export interface SqliteStoreOptions {
  /** Database file (its folder is created), or ':memory:'. */
  path: string;
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * PRAGMA synchronous of the writes that must survive a power loss once acknowledged: events, outbox
   * items, revocations and watermarks. FULL (default) or NORMAL (survives process crashes only).
   * Login transactions, session creation and renewal, outbox leases, failure records and caches always
   * commit with NORMAL: losing the last of them to a power loss only costs a new sign-in or a retry.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface OutboxRow {
  id: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
}

interface SessionRow {
  record: string;
  last_seen_at: number;
  idle_expires_at: number;
}

function outboxItem(row: OutboxRow): OutboxItem & { status: OutboxStatus } {
  return {
    id: row.id,
    payload: JSON.parse(row.payload) as OutboxPayload,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: row.created_at,
    status: row.status,
  };
}

function sessionFrom(row: SessionRow): SessionRecord {
  return { ...(JSON.parse(row.record) as SessionRecord), lastSeenAt: row.last_seen_at, idleExpiresAt: row.idle_expires_at };
}

const parse = <T>(row: { record: string } | undefined): T | undefined => (row === undefined ? undefined : (JSON.parse(row.record) as T));

/**
 * SQLite store (better-sqlite3, WAL). Safe for several processes on one file: every write that reads
 * first runs in an IMMEDIATE transaction, and the busy timeout makes writers queue. Revocation fan-out
 * reaches the stores opened on the same file in this process only.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const inMemory = options.path === ':memory:' || options.path === '';
  const file = inMemory ? ':memory:' : resolve(options.path);
  let db: Database.Database;
  try {
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
  } catch (error) {
    throw storeUnavailable('sqlite', error, { reason: 'could not open or migrate the database file' });
  }
  const hub = localRevocationHub(inMemory ? `sqlite-memory:${Math.random()}` : `sqlite:${file}`);
  const unsubscribers = new Set<() => void>();

  const q = {
    installationGet: db.prepare<[string], { record: string }>('SELECT record FROM installations WHERE installation_id = ?'),
    installationList: db.prepare<[number], { record: string }>('SELECT record FROM installations ORDER BY created_at, installation_id LIMIT ?'),
    installationUpsert: db.prepare('INSERT INTO installations (installation_id, created_at, record) VALUES (?, ?, ?) ON CONFLICT (installation_id) DO UPDATE SET created_at = excluded.created_at, record = excluded.record'),
    eventSeen: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM processed_events WHERE event_id = ?'),
    eventInsert: db.prepare('INSERT INTO processed_events (event_id, installation_id, type, created_at, received_at) VALUES (?, ?, ?, ?, ?)'),
    eventPurge: db.prepare('DELETE FROM processed_events WHERE received_at < ?'),
    licenceGet: db.prepare<[string, string], { licensed: number; at: number }>('SELECT licensed, at FROM licences WHERE installation_id = ? AND user_id = ?'),
    licenceUpsert: db.prepare('INSERT INTO licences (installation_id, user_id, licensed, at) VALUES (?, ?, ?, ?) ON CONFLICT (installation_id, user_id) DO UPDATE SET licensed = excluded.licensed, at = excluded.at WHERE excluded.at > licences.at'),
    licensedUsers: db.prepare<[string], { user_id: string }>('SELECT user_id FROM licences WHERE installation_id = ? AND licensed = 1 ORDER BY user_id'),
    outboxInsert: db.prepare('INSERT INTO outbox (id, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, \'pending\', 0, ?, ?)'),
    outboxDue: db.prepare<[number, number, number], OutboxRow>("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, created_at, id LIMIT ?"),
    outboxLease: db.prepare('UPDATE outbox SET lease_until = ? WHERE id = ?'),
    outboxComplete: db.prepare("UPDATE outbox SET status = 'done', lease_until = NULL WHERE id = ?"),
    outboxRetry: db.prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = NULL WHERE id = ? AND status = 'pending'"),
    outboxDead: db.prepare("UPDATE outbox SET attempts = attempts + 1, status = 'dead', last_error = ?, lease_until = NULL WHERE id = ? AND status = 'pending'"),
    outboxList: db.prepare<[number, number], OutboxRow>("SELECT * FROM outbox WHERE (? = 1 OR status <> 'done') ORDER BY created_at, id LIMIT ?"),
    outboxPurge: db.prepare("DELETE FROM outbox WHERE status <> 'pending' AND created_at < ?"),
    txCount: db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM login_transactions WHERE expires_at > ?'),
    txPut: db.prepare('INSERT OR REPLACE INTO login_transactions (state_hash, installation_id, created_at, expires_at, record) VALUES (?, ?, ?, ?, ?)'),
    txConsume: db.prepare<[string], { record: string; expires_at: number }>('DELETE FROM login_transactions WHERE state_hash = ? RETURNING record, expires_at'),
    txPurge: db.prepare('DELETE FROM login_transactions WHERE expires_at <= ?'),
    markUser: db.prepare<[string, string], { watermark: number }>('SELECT watermark FROM user_watermarks WHERE installation_id = ? AND user_id = ?'),
    markInstallation: db.prepare<[string], { watermark: number }>('SELECT watermark FROM installation_watermarks WHERE installation_id = ?'),
    raiseUser: db.prepare('INSERT INTO user_watermarks (installation_id, user_id, watermark) VALUES (?, ?, ?) ON CONFLICT (installation_id, user_id) DO UPDATE SET watermark = MAX(watermark, excluded.watermark)'),
    raiseInstallation: db.prepare('INSERT INTO installation_watermarks (installation_id, watermark) VALUES (?, ?) ON CONFLICT (installation_id) DO UPDATE SET watermark = MAX(watermark, excluded.watermark)'),
    sessionInsert: db.prepare('INSERT OR REPLACE INTO sessions (id_hash, installation_id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    sessionGet: db.prepare<[string], SessionRow>('SELECT record, last_seen_at, idle_expires_at FROM sessions WHERE id_hash = ?'),
    sessionTouch: db.prepare('UPDATE sessions SET last_seen_at = ?, idle_expires_at = MIN(?, absolute_expires_at) WHERE id_hash = ?'),
    sessionDelete: db.prepare<[string], { installation_id: string; user_id: string }>('DELETE FROM sessions WHERE id_hash = ? RETURNING installation_id, user_id'),
    sessionsDeleteUser: db.prepare<[string, string], { id_hash: string }>('DELETE FROM sessions WHERE installation_id = ? AND user_id = ? RETURNING id_hash'),
    sessionsDeleteInstallation: db.prepare<[string], { id_hash: string }>('DELETE FROM sessions WHERE installation_id = ? RETURNING id_hash'),
    sessionsByUser: db.prepare<[string, string], SessionRow>('SELECT record, last_seen_at, idle_expires_at FROM sessions WHERE installation_id = ? AND user_id = ? ORDER BY created_at, id_hash'),
    sessionsByInstallation: db.prepare<[string, number], SessionRow>('SELECT record, last_seen_at, idle_expires_at FROM sessions WHERE installation_id = ? ORDER BY created_at, id_hash LIMIT ?'),
    sessionsPurge: db.prepare('DELETE FROM sessions WHERE idle_expires_at <= ? OR absolute_expires_at <= ?'),
    failureRecord: db.prepare('INSERT OR REPLACE INTO failures (reference_id, at, installation_id, record) VALUES (?, ?, ?, ?)'),
    failureGet: db.prepare<[string], { record: string }>('SELECT record FROM failures WHERE reference_id = ?'),
    failureList: db.prepare<[number], { record: string }>('SELECT record FROM failures ORDER BY at DESC, reference_id LIMIT ?'),
    failureListFor: db.prepare<[string, number], { record: string }>('SELECT record FROM failures WHERE installation_id = ? ORDER BY at DESC, reference_id LIMIT ?'),
    failurePurge: db.prepare('DELETE FROM failures WHERE at < ?'),
    tokenGet: db.prepare<[string, string], { record: string }>('SELECT record FROM token_cache WHERE installation_id = ? AND scope = ?'),
    tokenPut: db.prepare('INSERT OR REPLACE INTO token_cache (installation_id, scope, record) VALUES (?, ?, ?)'),
    tokenDelete: db.prepare('DELETE FROM token_cache WHERE installation_id = ?'),
    leaseAcquire: db.prepare('INSERT INTO refresh_leases (installation_id, holder, lease_until) VALUES (?, ?, ?) ON CONFLICT (installation_id) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until WHERE refresh_leases.lease_until <= ? OR refresh_leases.holder = excluded.holder'),
    leaseRelease: db.prepare('DELETE FROM refresh_leases WHERE installation_id = ? AND holder = ?'),
  };

  /** Runs a synchronous database step, turning driver failures into APPCONNECT_STORE_UNAVAILABLE. */
  function run<T>(step: () => T): Promise<T> {
    try {
      return Promise.resolve(step());
    } catch (error) {
      return Promise.reject(storeError(error));
    }
  }

  /** Maps driver failures to APPCONNECT_STORE_UNAVAILABLE; errors of callers' code (decide) pass through. */
  function storeError(error: unknown): unknown {
    return error instanceof Database.SqliteError || (error instanceof TypeError && !db.open) ? storeUnavailable('sqlite', error) : error;
  }

  /**
   * Group commit of the durable writes: every write asked for in the same turn of the event loop runs
   * in one IMMEDIATE transaction, each in its own savepoint (one failing rolls back only itself), so
   * concurrent events and revocations share one fsync. A failed commit fails them all.
   */
  type Pending = { step: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  let queue: Pending[] = [];
  const inSavepoint = db.transaction((step: () => unknown) => step());
  const runBatch = db.transaction((batch: Pending[]) =>
    batch.map((op) => {
      try {
        return { ok: true as const, value: inSavepoint(op.step) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );
  function flush(): void {
    const batch = queue;
    queue = [];
    let results;
    try {
      results = runBatch.immediate(batch);
    } catch (error) {
      for (const op of batch) op.reject(storeError(error));
      return;
    }
    results.forEach((result, i) => (result.ok ? batch[i]!.resolve(result.value) : batch[i]!.reject(storeError(result.error))));
  }
  function grouped<T>(step: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ step, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  // A FULL commit waits for an fsync (about 0.3 ms here, blocking the event loop); NORMAL does not.
  const durable = options.synchronous ?? 'FULL';
  const syncLight = db.prepare('PRAGMA synchronous = NORMAL');
  const syncDurable = db.prepare(`PRAGMA synchronous = ${durable}`);
  /** Like `run`, for writes whose loss at a power cut is harmless (see SqliteStoreOptions.synchronous). */
  function light<T>(step: () => T): Promise<T> {
    if (durable === 'NORMAL') return run(step);
    return run(() => {
      syncLight.run();
      try {
        return step();
      } finally {
        syncDurable.run();
      }
    });
  }

  function insertOutbox(payload: OutboxPayload, now: number): OutboxItem {
    const item = newOutboxItem(payload, now);
    q.outboxInsert.run(item.id, JSON.stringify(payload), item.nextAttemptAt, item.createdAt);
    return item;
  }

  type Applied = { result: ApplyEventResult; revocations: SessionRevocation[] };
  const applyEventTx = db.transaction((receiptArg: EventReceipt, decide: (current: InstallationRecord | undefined) => EventDecision, revokeHere: boolean): Applied => {
    const revocations: SessionRevocation[] = [];
    const done = (result: ApplyEventResult): Applied => ({ result, revocations });
    if (q.eventSeen.get(receiptArg.eventId) !== undefined) return done({ outcome: 'duplicate' });
    const current = parse<InstallationRecord>(q.installationGet.get(receiptArg.installationId));
    const decision = decide(current);
    const receivedAt = receiptArg.receivedAt ?? Date.now();
    q.eventInsert.run(receiptArg.eventId, receiptArg.installationId, receiptArg.type, receiptArg.createdAt, receivedAt);
    if (decision.kind === 'ignore') return done({ outcome: 'ignored', reason: decision.reason });
    const record = decision.installation;
    if (record !== undefined) q.installationUpsert.run(record.installationId, record.createdAt, JSON.stringify(record));
    for (const change of licenceChanges(decision)) q.licenceUpsert.run(receiptArg.installationId, change.userId, change.licensed ? 1 : 0, change.at);
    const outbox: OutboxItem[] = [];
    for (const payload of decision.outbox ?? []) {
      // Single Sign-Out in the event's own transaction when the caller's sessions are this store's.
      if (revokeHere && payload.kind === 'revoke_user_sessions') {
        revocations.push({ installationId: payload.installationId, userId: payload.userId, idHashes: revokeUserTx(payload.installationId, payload.userId, payload.watermark) });
      } else if (revokeHere && payload.kind === 'revoke_installation_sessions') {
        revocations.push({ installationId: payload.installationId, idHashes: revokeInstallationTx(payload.installationId, payload.watermark) });
      } else {
        outbox.push(insertOutbox(payload, receivedAt));
      }
    }
    return done({ outcome: 'applied', outbox });
  });

  const claimTx = db.transaction((now: number, limit: number, leaseMs: number): OutboxItem[] => {
    const rows = q.outboxDue.all(now, now, clampLimit(limit, 10, 1000));
    for (const row of rows) q.outboxLease.run(now + leaseMs, row.id);
    return rows.map((row) => {
      const { status: _status, ...item } = outboxItem(row);
      return item;
    });
  });

  const putTransactionTx = db.transaction((tx: LoginTransaction, maxPending: number): boolean => {
    if ((q.txCount.get(tx.createdAt)?.n ?? 0) >= maxPending) return false;
    q.txPut.run(tx.stateHash, tx.installationId, tx.createdAt, tx.expiresAt, JSON.stringify(tx));
    return true;
  });

  const createSessionTx = db.transaction((s: SessionRecord, loginStartedAt: number): 'created' | 'logged_out' => {
    const userMark = q.markUser.get(s.installationId, s.userId)?.watermark;
    const installationMark = q.markInstallation.get(s.installationId)?.watermark;
    if ((userMark !== undefined && userMark >= loginStartedAt) || (installationMark !== undefined && installationMark >= loginStartedAt)) return 'logged_out';
    q.sessionInsert.run(s.idHash, s.installationId, s.userId, s.createdAt, s.lastSeenAt, clampIdle(s, s.idleExpiresAt), s.absoluteExpiresAt, JSON.stringify(s));
    return 'created';
  });

  const revokeUserTx = db.transaction((installationId: string, userId: string, watermark: number): string[] => {
    q.raiseUser.run(installationId, userId, watermark);
    return q.sessionsDeleteUser.all(installationId, userId).map((r) => r.id_hash);
  });

  const revokeInstallationTx = db.transaction((installationId: string, watermark: number): string[] => {
    q.raiseInstallation.run(installationId, watermark);
    return q.sessionsDeleteInstallation.all(installationId).map((r) => r.id_hash);
  });

  function revoked(revocation: SessionRevocation, count: number): number {
    hub.publish(revocation);
    return count;
  }

  const sessions: SessionStore = {
    create: (session, loginStartedAt) => light(() => createSessionTx.immediate(session, loginStartedAt)),
    get: (idHash) => run(() => {
      const row = q.sessionGet.get(idHash);
      return row === undefined ? undefined : sessionFrom(row);
    }),
    touch: (idHash, lastSeenAt, idleExpiresAt) => light(() => void q.sessionTouch.run(lastSeenAt, idleExpiresAt, idHash)),
    delete: (idHash) => run(() => {
      const row = q.sessionDelete.get(idHash);
      if (row !== undefined) hub.publish({ installationId: row.installation_id, userId: row.user_id, idHashes: [idHash] });
    }),
    revokeUser: (installationId, userId, watermark) =>
      grouped(() => revokeUserTx(installationId, userId, watermark)).then((ids) => revoked({ installationId, userId, idHashes: ids }, ids.length)),
    revokeInstallation: (installationId, watermark) =>
      grouped(() => revokeInstallationTx(installationId, watermark)).then((ids) => revoked({ installationId, idHashes: ids }, ids.length)),
    listByUser: (installationId, userId) => run(() => q.sessionsByUser.all(installationId, userId).map(sessionFrom)),
    listByInstallation: (installationId, options) => run(() => q.sessionsByInstallation.all(installationId, clampLimit(options?.limit, 1000)).map(sessionFrom)),
    purgeExpired: (now) => light(() => q.sessionsPurge.run(now, now).changes),
    subscribeRevocations: async (listener) => {
      const unsubscribe = hub.subscribe(listener);
      unsubscribers.add(unsubscribe);
      return async () => {
        unsubscribe();
        unsubscribers.delete(unsubscribe);
      };
    },
  };

  return {
    installations: {
      get: (installationId) => run(() => parse<InstallationRecord>(q.installationGet.get(installationId))),
      list: (options) => run(() => q.installationList.all(clampLimit(options?.limit, 1000)).map((r) => JSON.parse(r.record) as InstallationRecord)),
      isLicensed: (installationId, userId) => run(() => q.licenceGet.get(installationId, userId)?.licensed === 1),
      listLicensedUsers: (installationId) => run(() => q.licensedUsers.all(installationId).map((r) => r.user_id)),
      applyEvent: (receipt, decide, applyOptions) =>
        grouped(() => applyEventTx(receipt, decide, applyOptions?.sessions !== undefined && applyOptions.sessions === sessions)).then(({ result, revocations }) => {
          for (const revocation of revocations) hub.publish(revocation);
          return result;
        }),
      purgeEventsBefore: (before) => run(() => q.eventPurge.run(before).changes),
      enqueue: (payload, now) => grouped(() => insertOutbox(payload, now)),
      claimDue: (now, limit, leaseMs) => light(() => claimTx.immediate(now, limit, leaseMs)),
      complete: (id) => light(() => void q.outboxComplete.run(id)),
      retryLater: (id, nextAttemptAt, error) => light(() => void q.outboxRetry.run(nextAttemptAt, truncateError(error), id)),
      deadLetter: (id, error) => grouped(() => void q.outboxDead.run(truncateError(error), id)),
      listOutbox: (options) => run(() => q.outboxList.all(options?.includeDone === true ? 1 : 0, clampLimit(options?.limit, 1000)).map(outboxItem)),
      purgeOutboxBefore: (before) => run(() => q.outboxPurge.run(before).changes),
    },
    transactions: {
      put: (transaction, maxPending) => light(() => putTransactionTx.immediate(transaction, maxPending)),
      consume: (stateHash, now) => light(() => {
        const row = q.txConsume.get(stateHash);
        return row !== undefined && row.expires_at > now ? (JSON.parse(row.record) as LoginTransaction) : undefined;
      }),
      purgeExpired: (now) => light(() => q.txPurge.run(now).changes),
    },
    sessions,
    failures: {
      record: (failure) => light(() => void q.failureRecord.run(failure.referenceId, failure.at, failure.installationId ?? null, JSON.stringify(failure))),
      get: (referenceId) => run(() => parse<FailureRecord>(q.failureGet.get(referenceId))),
      list: (options) => run(() => {
        const limit = clampLimit(options?.limit, 100);
        const rows = options?.installationId === undefined ? q.failureList.all(limit) : q.failureListFor.all(options.installationId, limit);
        return rows.map((r) => JSON.parse(r.record) as FailureRecord);
      }),
      purgeBefore: (before) => light(() => q.failurePurge.run(before).changes),
    },
    tokens: {
      get: (installationId, scope) => run(() => parse<CachedToken>(q.tokenGet.get(installationId, scope))),
      put: (token) => light(() => void q.tokenPut.run(token.installationId, token.scope, JSON.stringify(token))),
      delete: (installationId) => light(() => void q.tokenDelete.run(installationId)),
      acquireRefreshLease: (installationId, holder, now, leaseMs) => light(() => q.leaseAcquire.run(installationId, holder, now + leaseMs, now).changes === 1),
      releaseRefreshLease: (installationId, holder) => light(() => void q.leaseRelease.run(installationId, holder)),
    },
    ping: () => run(() => {
      if (!db.open) throw new AppConnectError('APPCONNECT_STORE_UNAVAILABLE', 'the sqlite store is closed', { status: 503 });
      db.prepare('SELECT 1').get();
    }),
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers.clear();
      if (db.open) db.close();
    },
  };
}
