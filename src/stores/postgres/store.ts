import { loadDriver, storeUnavailable } from '../errors.ts';
import { clampIdle, clampLimit, licenceChanges, newOutboxItem, truncateError, type OutboxStatus } from '../common.ts';
import type {
  ApplyEventResult, CachedToken, FailureRecord, InstallationRecord, LoginTransaction, OutboxItem, OutboxPayload, SessionRecord,
  SessionRevocation, Store,
} from '../types.ts';
import { PostgresDatabase, type PostgresConnectionOptions, type Tx } from './database.ts';
import { notifyRevocation, revocationChannel, RevocationListener } from './revocations.ts';

export type PostgresStoreOptions = PostgresConnectionOptions;

interface OutboxRow {
  id: string;
  payload: OutboxPayload;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

interface SessionRow {
  record: SessionRecord;
  last_seen_at: string;
  idle_expires_at: string;
}

function outboxItem(row: OutboxRow): OutboxItem & { status: OutboxStatus } {
  return {
    id: row.id,
    payload: row.payload,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: Number(row.created_at),
    status: row.status,
  };
}

const sessionFrom = (row: SessionRow): SessionRecord => ({ ...row.record, lastSeenAt: Number(row.last_seen_at), idleExpiresAt: Number(row.idle_expires_at) });
const OUTBOX_COLUMNS = 'id, payload, status, attempts, next_attempt_at, last_error, created_at';
const SESSION_COLUMNS = 'record, last_seen_at, idle_expires_at';

/**
 * PostgreSQL store (pg 8). Migrations run at start under an advisory lock. Event application,
 * session creation and revocation serialise on advisory transaction locks (per installation, per
 * user); outbox claims use FOR UPDATE SKIP LOCKED; consume is a single DELETE ... RETURNING.
 * Revocations fan out to every instance through LISTEN/NOTIFY.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const driver = await loadDriver<typeof import('pg')>('pg', 'PostgreSQL');
  const db = new PostgresDatabase(driver, options);
  try {
    await db.migrate();
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  const channel = revocationChannel(db.schema);
  const listener = new RevocationListener(driver, db.config, channel);
  const lockKey = (...parts: string[]) => `${db.schema}:${JSON.stringify(parts)}`;
  const lock = (tx: Tx, key: string) => tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  const lockShared = (tx: Tx, key: string) => tx.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [key]);

  async function insertOutbox(tx: Pick<Tx, 'query'>, payload: OutboxPayload, now: number): Promise<OutboxItem> {
    const item = newOutboxItem(payload, now);
    await tx.query("INSERT INTO outbox (id, payload, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, 'pending', 0, $3, $4)", [item.id, JSON.stringify(payload), item.nextAttemptAt, item.createdAt]);
    return item;
  }

  async function revoke(tx: Tx, revocation: SessionRevocation): Promise<number> {
    await notifyRevocation(tx, channel, revocation);
    return revocation.idHashes.length;
  }

  /** Raises the user's watermark and ends the user's sessions inside `tx` (NOTIFY goes out at commit). */
  async function revokeUserIn(tx: Tx, installationId: string, userId: string, watermark: number): Promise<number> {
    await lockShared(tx, lockKey('sessions', installationId));
    await lock(tx, lockKey('sessions', installationId, userId));
    await tx.query(
      'INSERT INTO user_watermarks (installation_id, user_id, watermark) VALUES ($1, $2, $3) ON CONFLICT (installation_id, user_id) DO UPDATE SET watermark = GREATEST(user_watermarks.watermark, EXCLUDED.watermark)',
      [installationId, userId, watermark],
    );
    const rows = await tx.query<{ id_hash: string }>('DELETE FROM sessions WHERE installation_id = $1 AND user_id = $2 RETURNING id_hash', [installationId, userId]);
    return revoke(tx, { installationId, userId, idHashes: rows.map((r) => r.id_hash) });
  }

  async function revokeInstallationIn(tx: Tx, installationId: string, watermark: number): Promise<number> {
    await lock(tx, lockKey('sessions', installationId));
    await tx.query(
      'INSERT INTO installation_watermarks (installation_id, watermark) VALUES ($1, $2) ON CONFLICT (installation_id) DO UPDATE SET watermark = GREATEST(installation_watermarks.watermark, EXCLUDED.watermark)',
      [installationId, watermark],
    );
    const rows = await tx.query<{ id_hash: string }>('DELETE FROM sessions WHERE installation_id = $1 RETURNING id_hash', [installationId]);
    return revoke(tx, { installationId, idHashes: rows.map((r) => r.id_hash) });
  }

  const store: Store = {
    installations: {
      async get(installationId) {
        const [row] = await db.query<{ record: InstallationRecord }>('SELECT record FROM installations WHERE installation_id = $1', [installationId]);
        return row?.record;
      },
      async list(options) {
        const rows = await db.query<{ record: InstallationRecord }>('SELECT record FROM installations ORDER BY created_at, installation_id LIMIT $1', [clampLimit(options?.limit, 1000)]);
        return rows.map((r) => r.record);
      },
      async isLicensed(installationId, userId) {
        const rows = await db.query('SELECT 1 FROM licences WHERE installation_id = $1 AND user_id = $2 AND licensed', [installationId, userId]);
        return rows.length === 1;
      },
      async listLicensedUsers(installationId) {
        const rows = await db.query<{ user_id: string }>('SELECT user_id FROM licences WHERE installation_id = $1 AND licensed ORDER BY user_id COLLATE "C"', [installationId]);
        return rows.map((r) => r.user_id);
      },
      applyEvent(receipt, decide, applyOptions) {
        // Single Sign-Out in the event's own transaction when the caller's sessions are this store's.
        const revokeHere = applyOptions?.sessions !== undefined && applyOptions.sessions === store.sessions;
        return db.transaction<ApplyEventResult>(async (tx) => {
          await lock(tx, lockKey('installation', receipt.installationId));
          if ((await tx.query('SELECT 1 FROM processed_events WHERE event_id = $1', [receipt.eventId])).length > 0) return { outcome: 'duplicate' };
          const [row] = await tx.query<{ record: InstallationRecord }>('SELECT record FROM installations WHERE installation_id = $1', [receipt.installationId]);
          const decision = decide(row?.record);
          const receivedAt = receipt.receivedAt ?? Date.now();
          const inserted = await tx.query(
            'INSERT INTO processed_events (event_id, installation_id, type, created_at, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING RETURNING 1',
            [receipt.eventId, receipt.installationId, receipt.type, receipt.createdAt, receivedAt],
          );
          if (inserted.length === 0) return { outcome: 'duplicate' };
          if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason };
          const record = decision.installation;
          if (record !== undefined) {
            await tx.query(
              'INSERT INTO installations (installation_id, created_at, record) VALUES ($1, $2, $3) ON CONFLICT (installation_id) DO UPDATE SET created_at = EXCLUDED.created_at, record = EXCLUDED.record',
              [record.installationId, record.createdAt, JSON.stringify(record)],
            );
          }
          for (const change of licenceChanges(decision)) {
            await tx.query(
              'INSERT INTO licences (installation_id, user_id, licensed, at) VALUES ($1, $2, $3, $4) ON CONFLICT (installation_id, user_id) DO UPDATE SET licensed = EXCLUDED.licensed, at = EXCLUDED.at WHERE EXCLUDED.at > licences.at',
              [receipt.installationId, change.userId, change.licensed, change.at],
            );
          }
          const outbox: OutboxItem[] = [];
          for (const payload of decision.outbox ?? []) {
            if (revokeHere && payload.kind === 'revoke_user_sessions') await revokeUserIn(tx, payload.installationId, payload.userId, payload.watermark);
            else if (revokeHere && payload.kind === 'revoke_installation_sessions') await revokeInstallationIn(tx, payload.installationId, payload.watermark);
            else outbox.push(await insertOutbox(tx, payload, receivedAt));
          }
          return { outcome: 'applied', outbox };
        });
      },
      async purgeEventsBefore(before) {
        return (await db.query('DELETE FROM processed_events WHERE received_at < $1 RETURNING 1', [before])).length;
      },
      enqueue: (payload, now) => insertOutbox(db, payload, now),
      async claimDue(now, limit, leaseMs) {
        const rows = await db.query<OutboxRow>(
          `UPDATE outbox SET lease_until = $2 WHERE id IN (
             SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
             ORDER BY next_attempt_at, created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
           AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $1)
           RETURNING ${OUTBOX_COLUMNS}`,
          [now, now + leaseMs, clampLimit(limit, 10, 1000)],
        );
        return rows
          .map((row) => {
            const { status: _status, ...item } = outboxItem(row);
            return item;
          })
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      },
      async complete(id) {
        await db.query("UPDATE outbox SET status = 'done', lease_until = NULL WHERE id = $1", [id]);
      },
      async retryLater(id, nextAttemptAt, error) {
        await db.query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, lease_until = NULL WHERE id = $1 AND status = 'pending'", [id, nextAttemptAt, truncateError(error)]);
      },
      async deadLetter(id, error) {
        await db.query("UPDATE outbox SET attempts = attempts + 1, status = 'dead', last_error = $2, lease_until = NULL WHERE id = $1 AND status = 'pending'", [id, truncateError(error)]);
      },
      async listOutbox(options) {
        const rows = await db.query<OutboxRow>(
          `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ($1 OR status <> 'done') ORDER BY created_at, id LIMIT $2`,
          [options?.includeDone === true, clampLimit(options?.limit, 1000)],
        );
        return rows.map(outboxItem);
      },
      async purgeOutboxBefore(before) {
        return (await db.query("DELETE FROM outbox WHERE status <> 'pending' AND created_at < $1 RETURNING 1", [before])).length;
      },
    },

    transactions: {
      put(transaction, maxPending) {
        return db.transaction(async (tx) => {
          await lock(tx, lockKey('transactions'));
          const [count] = await tx.query<{ n: string }>('SELECT COUNT(*) AS n FROM login_transactions WHERE expires_at > $1', [transaction.createdAt]);
          if (Number(count?.n ?? 0) >= maxPending) return false;
          await tx.query(
            'INSERT INTO login_transactions (state_hash, installation_id, created_at, expires_at, record) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (state_hash) DO UPDATE SET installation_id = EXCLUDED.installation_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, record = EXCLUDED.record',
            [transaction.stateHash, transaction.installationId, transaction.createdAt, transaction.expiresAt, JSON.stringify(transaction)],
          );
          return true;
        });
      },
      async consume(stateHash, now) {
        const [row] = await db.query<{ record: LoginTransaction; expires_at: string }>('DELETE FROM login_transactions WHERE state_hash = $1 RETURNING record, expires_at', [stateHash]);
        return row !== undefined && Number(row.expires_at) > now ? row.record : undefined;
      },
      async purgeExpired(now) {
        return (await db.query('DELETE FROM login_transactions WHERE expires_at <= $1 RETURNING 1', [now])).length;
      },
    },

    sessions: {
      create(s, loginStartedAt) {
        return db.transaction(async (tx) => {
          await lockShared(tx, lockKey('sessions', s.installationId));
          await lock(tx, lockKey('sessions', s.installationId, s.userId));
          const [marks] = await tx.query<{ user_mark: string | null; installation_mark: string | null }>(
            `SELECT (SELECT watermark FROM user_watermarks WHERE installation_id = $1 AND user_id = $2) AS user_mark,
                    (SELECT watermark FROM installation_watermarks WHERE installation_id = $1) AS installation_mark`,
            [s.installationId, s.userId],
          );
          const userMark = marks?.user_mark == null ? undefined : Number(marks.user_mark);
          const installationMark = marks?.installation_mark == null ? undefined : Number(marks.installation_mark);
          if ((userMark !== undefined && userMark >= loginStartedAt) || (installationMark !== undefined && installationMark >= loginStartedAt)) return 'logged_out' as const;
          await tx.query(
            `INSERT INTO sessions (id_hash, installation_id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, record)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id_hash) DO UPDATE SET installation_id = EXCLUDED.installation_id, user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at,
               last_seen_at = EXCLUDED.last_seen_at, idle_expires_at = EXCLUDED.idle_expires_at, absolute_expires_at = EXCLUDED.absolute_expires_at, record = EXCLUDED.record`,
            [s.idHash, s.installationId, s.userId, s.createdAt, s.lastSeenAt, clampIdle(s, s.idleExpiresAt), s.absoluteExpiresAt, JSON.stringify(s)],
          );
          return 'created' as const;
        });
      },
      async get(idHash) {
        const [row] = await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id_hash = $1`, [idHash]);
        return row === undefined ? undefined : sessionFrom(row);
      },
      async touch(idHash, lastSeenAt, idleExpiresAt) {
        await db.query('UPDATE sessions SET last_seen_at = $2, idle_expires_at = LEAST($3, absolute_expires_at) WHERE id_hash = $1', [idHash, lastSeenAt, idleExpiresAt]);
      },
      async delete(idHash) {
        await db.transaction(async (tx) => {
          const [row] = await tx.query<{ installation_id: string; user_id: string }>('DELETE FROM sessions WHERE id_hash = $1 RETURNING installation_id, user_id', [idHash]);
          if (row !== undefined) await revoke(tx, { installationId: row.installation_id, userId: row.user_id, idHashes: [idHash] });
        });
      },
      revokeUser(installationId, userId, watermark) {
        return db.transaction((tx) => revokeUserIn(tx, installationId, userId, watermark));
      },
      revokeInstallation(installationId, watermark) {
        return db.transaction((tx) => revokeInstallationIn(tx, installationId, watermark));
      },
      async listByUser(installationId, userId) {
        const rows = await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE installation_id = $1 AND user_id = $2 ORDER BY created_at, id_hash`, [installationId, userId]);
        return rows.map(sessionFrom);
      },
      async listByInstallation(installationId, options) {
        const rows = await db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE installation_id = $1 ORDER BY created_at, id_hash LIMIT $2`, [installationId, clampLimit(options?.limit, 1000)]);
        return rows.map(sessionFrom);
      },
      async purgeExpired(now) {
        return (await db.query('DELETE FROM sessions WHERE idle_expires_at <= $1 OR absolute_expires_at <= $1 RETURNING 1', [now])).length;
      },
      async subscribeRevocations(callback) {
        try {
          return await listener.subscribe(callback);
        } catch (error) {
          throw storeUnavailable('postgres', error, { reason: 'could not LISTEN for revocations' });
        }
      },
    },

    failures: {
      async record(failure) {
        await db.query(
          'INSERT INTO failures (reference_id, at, installation_id, record) VALUES ($1, $2, $3, $4) ON CONFLICT (reference_id) DO UPDATE SET at = EXCLUDED.at, installation_id = EXCLUDED.installation_id, record = EXCLUDED.record',
          [failure.referenceId, failure.at, failure.installationId ?? null, JSON.stringify(failure)],
        );
      },
      async get(referenceId) {
        const [row] = await db.query<{ record: FailureRecord }>('SELECT record FROM failures WHERE reference_id = $1', [referenceId]);
        return row?.record;
      },
      async list(options) {
        const limit = clampLimit(options?.limit, 100);
        const rows = options?.installationId === undefined
          ? await db.query<{ record: FailureRecord }>('SELECT record FROM failures ORDER BY at DESC, reference_id LIMIT $1', [limit])
          : await db.query<{ record: FailureRecord }>('SELECT record FROM failures WHERE installation_id = $1 ORDER BY at DESC, reference_id LIMIT $2', [options.installationId, limit]);
        return rows.map((r) => r.record);
      },
      async purgeBefore(before) {
        return (await db.query('DELETE FROM failures WHERE at < $1 RETURNING 1', [before])).length;
      },
    },

    tokens: {
      async get(installationId, scope) {
        const [row] = await db.query<{ record: CachedToken }>('SELECT record FROM token_cache WHERE installation_id = $1 AND scope = $2', [installationId, scope]);
        return row?.record;
      },
      async put(token) {
        await db.query(
          'INSERT INTO token_cache (installation_id, scope, record) VALUES ($1, $2, $3) ON CONFLICT (installation_id, scope) DO UPDATE SET record = EXCLUDED.record',
          [token.installationId, token.scope, JSON.stringify(token)],
        );
      },
      async delete(installationId) {
        await db.query('DELETE FROM token_cache WHERE installation_id = $1', [installationId]);
      },
      async acquireRefreshLease(installationId, holder, now, leaseMs) {
        const rows = await db.query(
          `INSERT INTO refresh_leases (installation_id, holder, lease_until) VALUES ($1, $2, $3)
           ON CONFLICT (installation_id) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
           WHERE refresh_leases.lease_until <= $4 OR refresh_leases.holder = EXCLUDED.holder
           RETURNING 1`,
          [installationId, holder, now + leaseMs, now],
        );
        return rows.length === 1;
      },
      async releaseRefreshLease(installationId, holder) {
        await db.query('DELETE FROM refresh_leases WHERE installation_id = $1 AND holder = $2', [installationId, holder]);
      },
    },

    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await listener.close();
      await db.close();
    },
  };
  return store;
}
