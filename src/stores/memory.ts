import type {
  ApplyEventOptions, ApplyEventResult, CachedToken, EventDecision, EventReceipt, FailureRecord, InstallationRecord, LoginTransaction,
  OutboxItem, OutboxPayload, SessionRecord, SessionRevocation, Store,
} from './types.ts';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { clampIdle, clampLimit, isSessionExpired, licenceChanges, newOutboxItem, truncateError, type OutboxStatus } from './common.ts';

type OutboxRow = OutboxItem & { status: OutboxStatus; leaseUntil?: number };

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The whole Store contract in memory: for tests and single-process demos. Every method runs
 * synchronously inside its promise, so each is atomic and `applyEvent` is serialised.
 */
export function createMemoryStore(): Store {
  const installations = new Map<string, InstallationRecord>();
  const events = new Map<string, { receivedAt: number }>();
  const licences = new Map<string, Map<string, { licensed: boolean; at: number }>>();
  const outbox = new Map<string, OutboxRow>();
  const transactions = new Map<string, LoginTransaction>();
  const sessions = new Map<string, SessionRecord>();
  const userWatermarks = new Map<string, number>();
  const installationWatermarks = new Map<string, number>();
  const failures = new Map<string, FailureRecord>();
  const tokens = new Map<string, CachedToken>();
  const leases = new Map<string, { holder: string; until: number }>();
  const listeners = new Set<(revocation: SessionRevocation) => void>();
  let closed = false;

  const userKey = (installationId: string, userId: string) => `${installationId}\0${userId}`;
  const tokenKey = (installationId: string, scope: string) => `${installationId}\0${scope}`;

  function publish(revocation: SessionRevocation): void {
    for (const listener of [...listeners]) {
      queueMicrotask(() => {
        try {
          listener(copy(revocation));
        } catch {
          // a listener's failure never breaks revocation
        }
      });
    }
  }

  function enqueueRow(payload: OutboxPayload, now: number): OutboxRow {
    const row: OutboxRow = { ...newOutboxItem(copy(payload), now), status: 'pending' };
    outbox.set(row.id, row);
    return row;
  }

  function outboxView(row: OutboxRow): OutboxItem & { status: OutboxStatus } {
    const { leaseUntil: _lease, ...item } = row;
    return copy(item);
  }

  function removeSessions(match: (s: SessionRecord) => boolean): string[] {
    const removed: string[] = [];
    for (const [idHash, session] of sessions) {
      if (match(session)) {
        sessions.delete(idHash);
        removed.push(idHash);
      }
    }
    return removed;
  }

  const store: Store = {
    installations: {
      async get(installationId) {
        const found = installations.get(installationId);
        return found === undefined ? undefined : copy(found);
      },
      async list(options) {
        return [...installations.values()]
          .sort((a, b) => a.createdAt - b.createdAt || a.installationId.localeCompare(b.installationId))
          .slice(0, clampLimit(options?.limit, 1000))
          .map(copy);
      },
      async isLicensed(installationId, userId) {
        return licences.get(installationId)?.get(userId)?.licensed === true;
      },
      async listLicensedUsers(installationId) {
        const users = licences.get(installationId);
        if (users === undefined) return [];
        return [...users].filter(([, l]) => l.licensed).map(([userId]) => userId).sort();
      },
      async applyEvent(receipt: EventReceipt, decide: (current: InstallationRecord | undefined) => EventDecision, options?: ApplyEventOptions): Promise<ApplyEventResult> {
        if (events.has(receipt.eventId)) return { outcome: 'duplicate' };
        const current = installations.get(receipt.installationId);
        const decision = decide(current === undefined ? undefined : copy(current));
        const receivedAt = receipt.receivedAt ?? Date.now();
        events.set(receipt.eventId, { receivedAt });
        if (decision.kind === 'ignore') return { outcome: 'ignored', reason: decision.reason };
        if (decision.installation !== undefined) installations.set(decision.installation.installationId, copy(decision.installation));
        const changes = licenceChanges(decision);
        if (changes.length > 0) {
          let users = licences.get(receipt.installationId);
          if (users === undefined) licences.set(receipt.installationId, (users = new Map()));
          for (const change of changes) {
            const previous = users.get(change.userId);
            if (previous === undefined || previous.at < change.at) users.set(change.userId, { licensed: change.licensed, at: change.at });
          }
        }
        // Single Sign-Out in the same step when the caller's sessions are this store's.
        const revokeHere = options?.sessions !== undefined && options.sessions === store.sessions;
        const queued: OutboxItem[] = [];
        for (const payload of decision.outbox ?? []) {
          if (revokeHere && payload.kind === 'revoke_user_sessions') await store.sessions.revokeUser(payload.installationId, payload.userId, payload.watermark);
          else if (revokeHere && payload.kind === 'revoke_installation_sessions') await store.sessions.revokeInstallation(payload.installationId, payload.watermark);
          else {
            const { status: _status, ...item } = outboxView(enqueueRow(payload, receivedAt));
            queued.push(item);
          }
        }
        return { outcome: 'applied', outbox: queued };
      },
      async purgeEventsBefore(before) {
        let count = 0;
        for (const [id, event] of events) {
          if (event.receivedAt < before) {
            events.delete(id);
            count++;
          }
        }
        return count;
      },
      async enqueue(payload, now) {
        return outboxView(enqueueRow(payload, now));
      },
      async claimDue(now, limit, leaseMs) {
        const due = [...outbox.values()]
          .filter((row) => row.status === 'pending' && row.nextAttemptAt <= now && (row.leaseUntil === undefined || row.leaseUntil <= now))
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || a.id.localeCompare(b.id))
          .slice(0, clampLimit(limit, 10, 1000));
        for (const row of due) row.leaseUntil = now + leaseMs;
        return due.map((row) => {
          const { status: _status, ...item } = outboxView(row);
          return item;
        });
      },
      async complete(id) {
        const row = outbox.get(id);
        if (row !== undefined) {
          row.status = 'done';
          delete row.leaseUntil;
        }
      },
      async retryLater(id, nextAttemptAt, error) {
        const row = outbox.get(id);
        if (row === undefined || row.status !== 'pending') return;
        row.attempts += 1;
        row.nextAttemptAt = nextAttemptAt;
        row.lastError = truncateError(error);
        delete row.leaseUntil;
      },
      async deadLetter(id, error) {
        const row = outbox.get(id);
        if (row === undefined || row.status !== 'pending') return;
        row.attempts += 1;
        row.status = 'dead';
        row.lastError = truncateError(error);
        delete row.leaseUntil;
      },
      async listOutbox(options) {
        return [...outbox.values()]
          .filter((row) => options?.includeDone === true || row.status !== 'done')
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
          .slice(0, clampLimit(options?.limit, 1000))
          .map(outboxView);
      },
      async purgeOutboxBefore(before) {
        let count = 0;
        for (const [id, row] of outbox) {
          if (row.status !== 'pending' && row.createdAt < before) {
            outbox.delete(id);
            count++;
          }
        }
        return count;
      },
    },

    transactions: {
      async put(transaction, maxPending) {
        const now = transaction.createdAt;
        let pending = 0;
        for (const [hash, t] of transactions) {
          if (t.expiresAt <= now) transactions.delete(hash);
          else pending++;
        }
        if (pending >= maxPending) return false;
        transactions.set(transaction.stateHash, copy(transaction));
        return true;
      },
      async consume(stateHash, now) {
        const found = transactions.get(stateHash);
        if (found === undefined) return undefined;
        transactions.delete(stateHash);
        return found.expiresAt > now ? found : undefined;
      },
      async purgeExpired(now) {
        let count = 0;
        for (const [hash, t] of transactions) {
          if (t.expiresAt <= now) {
            transactions.delete(hash);
            count++;
          }
        }
        return count;
      },
    },

    sessions: {
      async create(session, loginStartedAt) {
        const userMark = userWatermarks.get(userKey(session.installationId, session.userId));
        const installationMark = installationWatermarks.get(session.installationId);
        if ((userMark !== undefined && userMark >= loginStartedAt) || (installationMark !== undefined && installationMark >= loginStartedAt)) {
          return 'logged_out';
        }
        sessions.set(session.idHash, copy(session));
        return 'created';
      },
      async get(idHash) {
        const found = sessions.get(idHash);
        return found === undefined ? undefined : copy(found);
      },
      async touch(idHash, lastSeenAt, idleExpiresAt) {
        const found = sessions.get(idHash);
        if (found === undefined) return;
        found.lastSeenAt = lastSeenAt;
        found.idleExpiresAt = clampIdle(found, idleExpiresAt);
      },
      async delete(idHash) {
        const found = sessions.get(idHash);
        if (found === undefined) return;
        sessions.delete(idHash);
        publish({ installationId: found.installationId, userId: found.userId, idHashes: [idHash] });
      },
      async revokeUser(installationId, userId, watermark) {
        const key = userKey(installationId, userId);
        userWatermarks.set(key, Math.max(userWatermarks.get(key) ?? -Infinity, watermark));
        const removed = removeSessions((s) => s.installationId === installationId && s.userId === userId);
        publish({ installationId, userId, idHashes: removed });
        return removed.length;
      },
      async revokeInstallation(installationId, watermark) {
        installationWatermarks.set(installationId, Math.max(installationWatermarks.get(installationId) ?? -Infinity, watermark));
        const removed = removeSessions((s) => s.installationId === installationId);
        publish({ installationId, idHashes: removed });
        return removed.length;
      },
      async listByUser(installationId, userId) {
        return [...sessions.values()]
          .filter((s) => s.installationId === installationId && s.userId === userId)
          .sort((a, b) => a.createdAt - b.createdAt || a.idHash.localeCompare(b.idHash))
          .map(copy);
      },
      async listByInstallation(installationId, options) {
        return [...sessions.values()]
          .filter((s) => s.installationId === installationId)
          .sort((a, b) => a.createdAt - b.createdAt || a.idHash.localeCompare(b.idHash))
          .slice(0, clampLimit(options?.limit, 1000))
          .map(copy);
      },
      async purgeExpired(now) {
        return removeSessions((s) => isSessionExpired(s, now)).length;
      },
      async subscribeRevocations(listener) {
        listeners.add(listener);
        return async () => {
          listeners.delete(listener);
        };
      },
    },

    failures: {
      async record(failure) {
        failures.set(failure.referenceId, copy(failure));
      },
      async get(referenceId) {
        const found = failures.get(referenceId);
        return found === undefined ? undefined : copy(found);
      },
      async list(options) {
        return [...failures.values()]
          .filter((f) => options?.installationId === undefined || f.installationId === options.installationId)
          .sort((a, b) => b.at - a.at || a.referenceId.localeCompare(b.referenceId))
          .slice(0, clampLimit(options?.limit, 100))
          .map(copy);
      },
      async purgeBefore(before) {
        let count = 0;
        for (const [id, f] of failures) {
          if (f.at < before) {
            failures.delete(id);
            count++;
          }
        }
        return count;
      },
    },

    tokens: {
      async get(installationId, scope) {
        const found = tokens.get(tokenKey(installationId, scope));
        return found === undefined ? undefined : copy(found);
      },
      async put(token) {
        tokens.set(tokenKey(token.installationId, token.scope), copy(token));
      },
      async delete(installationId) {
        for (const [key, token] of tokens) if (token.installationId === installationId) tokens.delete(key);
      },
      async acquireRefreshLease(installationId, holder, now, leaseMs) {
        const lease = leases.get(installationId);
        if (lease !== undefined && lease.until > now && lease.holder !== holder) return false;
        leases.set(installationId, { holder, until: now + leaseMs });
        return true;
      },
      async releaseRefreshLease(installationId, holder) {
        if (leases.get(installationId)?.holder === holder) leases.delete(installationId);
      },
    },

    async ping() {
      if (closed) throw new AppConnectError(ErrorCode.StoreUnavailable, 'memory store is closed', { status: 503 });
    },
    async close() {
      closed = true;
      listeners.clear();
    },
  };
  return store;
}
