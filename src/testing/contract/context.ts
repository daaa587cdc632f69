import type { EventDecision, EventReceipt, InstallationRecord, OutboxPayload, Store } from '../../stores/types.ts';
import { hex } from '../fixtures.ts';

export interface StoreContractOptions {
  /**
   * Opens two stores sharing the same fresh data, as two app instances would (two connections, two
   * processes' worth of clients). Used for the cross-instance cases; without it they run on one store.
   */
  openPair?: () => Promise<[Store, Store]>;
  /** Fails the suite when the store has no `subscribeRevocations` (set it for stores that promise fan-out). */
  requireRevocationFanout?: boolean;
  /** Called once after every case ran (drop schemas, delete keys, remove files). */
  cleanup?: () => Promise<void>;
  /** How long to wait for a revocation to be delivered (default 2000 ms). */
  fanoutTimeoutMs?: number;
}

/** What every group of contract cases gets: a fresh store per case, a pair of instances, the options. */
export interface ContractContext {
  withStore(fn: (store: Store) => Promise<void>): Promise<void>;
  withPair(fn: (a: Store, b: Store) => Promise<void>): Promise<void>;
  options: StoreContractOptions;
}

export const HOUR = 3_600_000;

export function receipt(installationId: string, overrides: Partial<EventReceipt> = {}): EventReceipt {
  return { eventId: hex(16), installationId, type: 'app.installed', createdAt: Date.now(), ...overrides };
}

export const upsert = (installation: InstallationRecord, outbox: OutboxPayload[] = []): ((c: InstallationRecord | undefined) => EventDecision) => () => ({ kind: 'apply', installation, outbox });

export function ackPayload(installationId: string): OutboxPayload {
  return { kind: 'ack_installation', installationId, appId: hex(16), state: 'approve' };
}

export function sortedIds(items: ReadonlyArray<{ id: string }>): string[] {
  return items.map((i) => i.id).sort();
}
