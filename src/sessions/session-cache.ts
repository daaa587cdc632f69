import type { SessionRecord, SessionRevocation } from '../stores/types.ts';

const MAX_ENTRIES = 10_000;

/**
 * A short-lived in-process copy of sessions. It is only safe because every revocation is fanned out
 * by the store (subscribeRevocations) and drops the entries at once; the TTL bounds staleness when a
 * notification is lost.
 */
export interface SessionCache {
  get(idHash: string, now: number): SessionRecord | undefined;
  set(record: SessionRecord, now: number): void;
  delete(idHash: string): void;
  revoke(revocation: SessionRevocation): void;
  clear(): void;
}

export function createSessionCache(ttlMs: number): SessionCache {
  const entries = new Map<string, { record: SessionRecord; cachedAt: number }>();
  return {
    get(idHash, now) {
      const entry = entries.get(idHash);
      if (!entry) return undefined;
      if (now - entry.cachedAt >= ttlMs || now < entry.cachedAt) {
        entries.delete(idHash);
        return undefined;
      }
      return entry.record;
    },
    set(record, now) {
      entries.delete(record.idHash);
      entries.set(record.idHash, { record, cachedAt: now });
      if (entries.size > MAX_ENTRIES) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    delete(idHash) {
      entries.delete(idHash);
    },
    revoke(revocation) {
      for (const idHash of revocation.idHashes) entries.delete(idHash);
      for (const [idHash, { record }] of entries) {
        if (record.installationId !== revocation.installationId) continue;
        if (revocation.userId === undefined || record.userId === revocation.userId) entries.delete(idHash);
      }
    },
    clear() {
      entries.clear();
    },
  };
}
