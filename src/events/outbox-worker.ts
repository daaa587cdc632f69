import type { Sealer } from '../crypto/types.ts';
import { isAppConnectError } from '../errors/index.ts';
import { decideInstallationAcknowledged, decideSecretsShredded } from '../installations/decide.ts';
import type { OutboxItem, OutboxPayload, Store } from '../stores/types.ts';
import { createInstallationTokens, type InstallationTokens } from '../talkdesk/token-cache.ts';
import type { Clock, TalkdeskClient } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import { runRevocation } from './revocations.ts';
import { silentLogger } from '../telemetry/logger.ts';

export interface OutboxWorkerDeps {
  store: Store;
  sealer: Sealer;
  talkdesk: TalkdeskClient;
  tokens?: InstallationTokens;
  logger?: Logger;
  clock?: Clock;
  /** Poll period of `start()` (default 2 s). */
  intervalMs?: number;
  /** Items claimed per round (default 20). */
  batchSize?: number;
  /** Claim lease (default 60 s). */
  leaseMs?: number;
  /** Attempts before an item is dead-lettered (default 10). */
  maxAttempts?: number;
  /** First retry delay (default 2 s), doubled per attempt up to `maxDelayMs` (default 1 h), with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After an approve was accepted, read the admin contact and licensed users from the Apps API (default true). */
  syncOnApprove?: boolean;
  random?: () => number;
}

export interface OutboxWorker {
  start(): void;
  stop(): Promise<void>;
  /** Claims and runs the due items once; returns how many were handled. */
  runOnce(): Promise<number>;
  /** Asks for a round soon (coalesced). */
  kick(): void;
}

export function backoffDelay(attempts: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** Math.min(attempts, 30));
  return Math.round(exp / 2 + (exp / 2) * random());
}

function describeError(error: unknown): string {
  if (isAppConnectError(error)) {
    const status = error.details.httpStatus;
    return `${error.code}${status !== undefined ? ` (${String(status)})` : ''}: ${error.message}`;
  }
  return error instanceof Error ? error.name : 'error';
}

/** Durable follow-up work of events: Apps API acknowledgements and session revocations. */
export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { store, talkdesk } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const tokens = deps.tokens ?? createInstallationTokens({ tokens: store.tokens, sealer: deps.sealer, talkdesk, clock });
  const intervalMs = deps.intervalMs ?? 2_000;
  const batchSize = deps.batchSize ?? 20;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 10;
  const baseDelayMs = deps.baseDelayMs ?? 2_000;
  const maxDelayMs = deps.maxDelayMs ?? 3_600_000;
  const random = deps.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let kickScheduled = false;
  let stopped = false;

  /** Calls the Apps API with the installation's token; a 401 drops the cached token and retries once. */
  async function withToken<T>(installationId: string, call: (token: string) => Promise<T>, options: { uninstalled?: boolean } = {}): Promise<T | 'gone'> {
    const installation = await store.installations.get(installationId);
    if (!installation || (installation.state === 'uninstalled' && !options.uninstalled)) return 'gone';
    try {
      return await call(await tokens.getAccessToken(installation));
    } catch (error) {
      if (isAppConnectError(error) && error.details.httpStatus === 401) {
        await tokens.invalidate(installationId);
        return call(await tokens.getAccessToken(installation));
      }
      throw error;
    }
  }

  async function execute(item: OutboxItem): Promise<void> {
    const p = item.payload;
    switch (p.kind) {
      case 'revoke_user_sessions':
      case 'revoke_installation_sessions':
        // Normally run and completed right after the event's commit; here after a crash or a failure.
        await runRevocation(store, p);
        return;
      case 'ack_credentials': {
        const current = await store.installations.get(p.installationId);
        // A newer rotation replaced these credentials: its own item acknowledges.
        if (!current || current.state === 'uninstalled' || current.clientId !== p.clientId) return;
        await tokens.invalidate(p.installationId); // the acknowledgement proves the new credentials work
        await withToken(p.installationId, (token) => talkdesk.ackCredentials(current.links.root, p.appId, p.installationId, p.clientId, token));
        return;
      }
      case 'ack_uninstall': {
        const current = await store.installations.get(p.installationId);
        if (!current || current.state !== 'uninstalled' || (current.clientSecret === undefined && current.privateKey === undefined)) return;
        await withToken(p.installationId, (token) => talkdesk.ackInstallation(current.links.root, p.appId, p.installationId, 'approve', undefined, token), { uninstalled: true });
        await shredSecrets(p.installationId, item.id);
        return;
      }
      case 'ack_installation': {
        const current = await store.installations.get(p.installationId);
        if (!current || current.state === 'uninstalled') return;
        const root = current.links.root;
        const result = await withToken(p.installationId, (token) =>
          talkdesk.ackInstallation(root, p.appId, p.installationId, p.state, p.reason, token),
        );
        if (result === 'gone' || p.state !== 'approve') return;
        let adminContact: string | undefined;
        let licensedUsers: string[] | undefined;
        if (deps.syncOnApprove !== false) {
          try {
            await withToken(p.installationId, async (token) => {
              const info = await talkdesk.getInstallation(root, p.appId, p.installationId, token);
              adminContact = info.createdBy?.email ?? info.createdBy?.name;
              licensedUsers = await talkdesk.listInstallationUsers(root, p.appId, p.installationId, token);
            });
          } catch (error) {
            logger.warn({ installationId: p.installationId, error: describeError(error) }, 'installation details could not be read after approve');
          }
        }
        const now = clock();
        await store.installations.applyEvent(
          { eventId: `outbox:${item.id}`, installationId: p.installationId, type: 'kit.installation_acknowledged', createdAt: now, receivedAt: now },
          (inst) => decideInstallationAcknowledged(inst, { clientId: current.clientId, now, ...(adminContact ? { adminContact } : {}), ...(licensedUsers ? { licensedUsers } : {}) }),
        );
        return;
      }
    }
  }

  /** Drops the sealed secrets of an uninstalled installation (once; the synthetic event id makes it idempotent). */
  async function shredSecrets(installationId: string, itemId: string): Promise<void> {
    const now = clock();
    await store.installations.applyEvent(
      { eventId: `outbox:${itemId}`, installationId, type: 'kit.secrets_shredded', createdAt: now, receivedAt: now },
      (inst) => decideSecretsShredded(inst, now),
    );
    await tokens.invalidate(installationId).catch(() => undefined);
  }

  async function round(): Promise<number> {
    const now = clock();
    const items = await store.installations.claimDue(now, batchSize, leaseMs);
    // Revocations first: Single Sign-Out must not wait behind acknowledgements.
    items.sort((a, b) => Number(b.payload.kind.startsWith('revoke')) - Number(a.payload.kind.startsWith('revoke')));
    for (const item of items) {
      try {
        await execute(item);
        await store.installations.complete(item.id);
        logger.debug({ outboxId: item.id, kind: item.payload.kind, installationId: item.payload.installationId }, 'outbox item done');
      } catch (error) {
        const message = describeError(error);
        if (item.attempts + 1 >= maxAttempts) {
          await store.installations.deadLetter(item.id, message).catch(() => undefined);
          // An uninstall that Talkdesk never accepted still ends with the secrets shredded.
          if (item.payload.kind === 'ack_uninstall') await shredSecrets(item.payload.installationId, item.id).catch(() => undefined);
          logger.error({ outboxId: item.id, kind: item.payload.kind, installationId: item.payload.installationId, error: message }, 'outbox item dead-lettered');
        } else {
          const next = clock() + backoffDelay(item.attempts, baseDelayMs, maxDelayMs, random);
          await store.installations.retryLater(item.id, next, message).catch(() => undefined);
          logger.warn({ outboxId: item.id, kind: item.payload.kind, installationId: item.payload.installationId, attempts: item.attempts + 1, error: message }, 'outbox item failed; will retry');
        }
      }
    }
    return items.length;
  }

  async function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        try {
          total += await round();
        } catch (error) {
          logger.error({ error: describeError(error) }, 'outbox round failed');
        }
      } while (again);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      stopped = false;
      if (timer) return;
      timer = setInterval(() => void runOnce(), intervalMs);
      timer.unref();
      void runOnce();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
    kick() {
      if (kickScheduled || stopped) return;
      kickScheduled = true;
      setImmediate(() => {
        kickScheduled = false;
        void runOnce();
      });
    },
  };
}
