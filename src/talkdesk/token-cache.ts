import { randomUUID } from 'node:crypto';
import type { Sealer } from '../crypto/types.ts';
import type { InstallationRecord, TokenCacheStore } from '../stores/types.ts';
import { openClientMaterial, SEALED_FIELDS } from './installation-client.ts';
import type { Clock, TalkdeskClient, TokenAuthMethod } from './types.ts';

export interface InstallationTokensOptions {
  tokens: TokenCacheStore;
  sealer: Sealer;
  talkdesk: TalkdeskClient;
  clock?: Clock;
  /** Scope requested with client_credentials; default none (the client's granted scopes). */
  scope?: string;
  authMethod?: TokenAuthMethod;
  /** Refresh this long before expiry (default 60 s). */
  refreshMarginMs?: number;
  /** Cross-instance refresh lease (default 15 s). */
  leaseMs?: number;
  /** How long a lease loser polls the cache before fetching anyway (default 3 s). */
  waitMs?: number;
  pollMs?: number;
}

/** Client-credentials access tokens per installation, cached sealed in the store. */
export interface InstallationTokens {
  getAccessToken(installation: InstallationRecord): Promise<string>;
  /** Drops the cached token (after a 401, or when credentials change). */
  invalidate(installationId: string): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Single flight within a process (one shared promise per installation) and across instances
 * (`acquireRefreshLease`; losers poll the shared cache briefly, then fetch themselves rather than
 * fail: liveness wins over a second token request).
 */
export function createInstallationTokens(options: InstallationTokensOptions): InstallationTokens {
  const { tokens, sealer, talkdesk } = options;
  const clock = options.clock ?? Date.now;
  const scope = options.scope ?? '';
  const margin = options.refreshMarginMs ?? 60_000;
  const leaseMs = options.leaseMs ?? 15_000;
  const waitMs = options.waitMs ?? 3_000;
  const pollMs = options.pollMs ?? 50;
  const holder = randomUUID();
  const inFlight = new Map<string, Promise<string>>();

  async function readFresh(installationId: string): Promise<string | undefined> {
    const cached = await tokens.get(installationId, scope);
    if (!cached || cached.expiresAt - margin <= clock()) return undefined;
    try {
      return sealer.open(cached.accessToken, installationId, SEALED_FIELDS.accessToken);
    } catch {
      return undefined; // tampered or sealed with a retired key: fetch a new one
    }
  }

  async function fetchAndStore(installation: InstallationRecord): Promise<string> {
    const id = installation.installationId;
    const set = await talkdesk.clientCredentials(openClientMaterial(installation, sealer, options.authMethod), scope || undefined);
    await tokens.put({
      installationId: id,
      scope,
      accessToken: sealer.seal(set.accessToken, id, SEALED_FIELDS.accessToken),
      expiresAt: clock() + set.expiresIn * 1000,
    });
    return set.accessToken;
  }

  async function obtain(installation: InstallationRecord): Promise<string> {
    const id = installation.installationId;
    const fresh = await readFresh(id);
    if (fresh) return fresh;
    const won = await tokens.acquireRefreshLease(id, holder, clock(), leaseMs);
    if (!won) {
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await sleep(pollMs);
        const polled = await readFresh(id);
        if (polled) return polled;
      }
      return fetchAndStore(installation);
    }
    try {
      return await fetchAndStore(installation);
    } finally {
      await tokens.releaseRefreshLease(id, holder).catch(() => undefined);
    }
  }

  return {
    getAccessToken(installation) {
      const key = installation.installationId;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const promise = obtain(installation).finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
    async invalidate(installationId) {
      await tokens.delete(installationId);
    },
  };
}
