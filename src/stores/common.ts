import { randomUUID } from 'node:crypto';
import type { EventDecision, OutboxItem, OutboxPayload, SessionRecord } from './types.ts';

/** Helpers shared by the store implementations so they all follow the same rules. */

export type OutboxStatus = 'pending' | 'done' | 'dead';

export function newOutboxId(): string {
  return randomUUID();
}

export function newOutboxItem(payload: OutboxPayload, now: number): OutboxItem {
  return { id: newOutboxId(), payload, attempts: 0, nextAttemptAt: now, createdAt: now };
}

/** Applied licences of a decision, as (user, licensed) changes; adds first, then removals. */
export function licenceChanges(decision: Extract<EventDecision, { kind: 'apply' }>): Array<{ userId: string; licensed: boolean; at: number }> {
  const licences = decision.licences;
  if (licences === undefined) return [];
  return [
    ...licences.adding.map((userId) => ({ userId, licensed: true, at: licences.at })),
    ...licences.removing.map((userId) => ({ userId, licensed: false, at: licences.at })),
  ];
}

/** `touch` never moves the idle expiry past the absolute one. */
export function clampIdle(session: Pick<SessionRecord, 'absoluteExpiresAt'>, idleExpiresAt: number): number {
  return Math.min(idleExpiresAt, session.absoluteExpiresAt);
}

export function isSessionExpired(session: Pick<SessionRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>, now: number): boolean {
  return session.idleExpiresAt <= now || session.absoluteExpiresAt <= now;
}

export function clampLimit(limit: number | undefined, fallback: number, max = 10_000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(0, Math.min(max, Math.floor(limit)));
}

/** Error messages stored in the outbox are truncated so a large upstream body cannot bloat the store. */
export function truncateError(error: string): string {
  return error.length > 1000 ? `${error.slice(0, 1000)}…` : error;
}
