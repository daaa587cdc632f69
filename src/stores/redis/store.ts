import type { createClient as CreateClient } from 'redis';
import { clampIdle, clampLimit } from '../common.ts';
import { loadDriver, storeUnavailable } from '../errors.ts';
import type { SessionRecord, SessionRevocation, SessionStore, Store } from '../types.ts';
import { CREATE, DELETE, PURGE, REVOKE_INSTALLATION, REVOKE_USER, TOUCH } from './scripts.ts';

export interface RedisSessionStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. */
  url: string;
  /** Prefix of every key and of the revocation channel (default `appconnect:`). */
  keyPrefix?: string;
  /** Deadline of a connection attempt (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Deadline of a command, sent or not (default 5000 ms). */
  commandTimeoutMs?: number;
}

/** Sessions, watermarks and revocation fan-out in Redis; combine with another store via `withSessionStore`. */
export interface RedisSessionStore extends SessionStore {
  subscribeRevocations(listener: (revocation: SessionRevocation) => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

type RedisClient = ReturnType<typeof newClient>;
type Hash = Record<string, string>;

function sessionFrom(hash: Hash): SessionRecord | undefined {
  if (hash.r === undefined) return undefined;
  return { ...(JSON.parse(hash.r) as SessionRecord), lastSeenAt: Number(hash.ls), idleExpiresAt: Number(hash.ie) };
}

async function connectWithDeadline(client: { connect(): Promise<unknown>; destroy(): void }, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes gracefully, or destroys the connection when a stuck server does not answer in time. */
async function closeWithin(client: { isOpen: boolean; close(): Promise<unknown>; destroy(): void }, timeoutMs: number): Promise<void> {
  if (!client.isOpen) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([client.close(), new Promise((_, reject) => (timer = setTimeout(reject, timeoutMs)))]);
  } catch {
    client.destroy();
  } finally {
    clearTimeout(timer);
  }
}

function newClient(createClient: typeof CreateClient, options: RedisSessionStoreOptions) {
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
    },
    commandOptions: { timeout: options.commandTimeoutMs ?? 5000, rejectInFlight: true },
  });
  // Connection errors surface on the calls (APPCONNECT_STORE_UNAVAILABLE); the client reconnects.
  client.on('error', () => {});
  return client;
}

/**
 * Redis session store (redis 6): each session a hash with a TTL at its expiry, a per-user and a
 * per-installation index, watermarks, Lua scripts for every multi-key step, and revocations
 * published on `<prefix>revocations` for every instance.
 */
export async function createRedisSessionStore(options: RedisSessionStoreOptions): Promise<RedisSessionStore> {
  const prefix = options.keyPrefix ?? 'appconnect:';
  const channel = `${prefix}revocations`;
  const { createClient } = await loadDriver<typeof import('redis')>('redis', 'Redis');
  const client = newClient(createClient, options);
  try {
    await connectWithDeadline(client, options.connectTimeoutMs ?? 5000);
  } catch (error) {
    throw storeUnavailable('redis', error, { reason: 'could not connect' });
  }
  const key = {
    session: (idHash: string) => `${prefix}s:${idHash}`,
    user: (inst: string, user: string) => `${prefix}u:${inst.length}:${inst}:${user}`,
    installation: (inst: string) => `${prefix}i:${inst}`,
  };
  let subscriber: RedisClient | undefined;
  const listeners = new Set<(revocation: SessionRevocation) => void>();

  async function call<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw storeUnavailable('redis', error);
    }
  }
  const script = (source: string, args: Array<string | number>) => client.eval(source, { arguments: [prefix, ...args.map(String)] });

  async function readSessions(ids: string[]): Promise<SessionRecord[]> {
    const hashes = await Promise.all(ids.map((id) => client.hGetAll(key.session(id)) as Promise<Hash>));
    return hashes
      .map(sessionFrom)
      .filter((s): s is SessionRecord => s !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || (a.idHash < b.idHash ? -1 : 1));
  }

  async function publish(revocation: SessionRevocation): Promise<void> {
    await client.publish(channel, JSON.stringify(revocation));
  }

  function deliver(message: string): void {
    let revocation: SessionRevocation;
    try {
      revocation = JSON.parse(message) as SessionRevocation;
    } catch {
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(revocation);
      } catch {
        // a listener's failure never stops the others
      }
    }
  }

  return {
    create: (s, loginStartedAt) => call(async () => {
      const idle = clampIdle(s, s.idleExpiresAt);
      const created = await script(CREATE, [s.idHash, s.installationId, s.userId, loginStartedAt, JSON.stringify(s), s.lastSeenAt, idle, s.absoluteExpiresAt, Math.min(idle, s.absoluteExpiresAt)]);
      return created === 1 ? 'created' : 'logged_out';
    }),
    get: (idHash) => call(async () => sessionFrom((await client.hGetAll(key.session(idHash))) as Hash)),
    touch: (idHash, lastSeenAt, idleExpiresAt) => call(async () => {
      await script(TOUCH, [idHash, lastSeenAt, idleExpiresAt]);
    }),
    delete: (idHash) => call(async () => {
      const deleted = (await script(DELETE, [idHash])) as [string, string] | null;
      if (deleted) await publish({ installationId: deleted[0], userId: deleted[1], idHashes: [idHash] });
    }),
    revokeUser: (installationId, userId, watermark) => call(async () => {
      const ids = (await script(REVOKE_USER, [installationId, userId, watermark])) as string[];
      await publish({ installationId, userId, idHashes: ids });
      return ids.length;
    }),
    revokeInstallation: (installationId, watermark) => call(async () => {
      const ids = (await script(REVOKE_INSTALLATION, [installationId, watermark])) as string[];
      await publish({ installationId, idHashes: ids });
      return ids.length;
    }),
    listByUser: (installationId, userId) => call(async () => readSessions(await client.sMembers(key.user(installationId, userId)))),
    listByInstallation: (installationId, options) => call(async () => {
      const sessions = await readSessions(await client.sMembers(key.installation(installationId)));
      return sessions.slice(0, clampLimit(options?.limit, 1000));
    }),
    purgeExpired: (now) => call(async () => {
      let total = 0;
      for (;;) {
        const [deleted, scanned] = (await script(PURGE, [now, 500])) as [number, number];
        total += deleted;
        if (scanned < 500) return total;
      }
    }),
    async subscribeRevocations(listener) {
      listeners.add(listener);
      if (subscriber === undefined) {
        const sub = client.duplicate();
        sub.on('error', () => {});
        try {
          await connectWithDeadline(sub, options.connectTimeoutMs ?? 5000);
          await sub.subscribe(channel, deliver);
        } catch (error) {
          listeners.delete(listener);
          throw storeUnavailable('redis', error, { reason: 'could not subscribe to revocations' });
        }
        subscriber = sub;
      }
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0 && subscriber !== undefined) {
          const sub = subscriber;
          subscriber = undefined;
          await closeWithin(sub, options.commandTimeoutMs ?? 5000);
        }
      };
    },
    ping: () => call(async () => {
      await client.ping();
    }),
    async close() {
      listeners.clear();
      const sub = subscriber;
      subscriber = undefined;
      await Promise.all([sub, client].map((c) => (c === undefined ? undefined : closeWithin(c, options.commandTimeoutMs ?? 5000))));
    },
  };
}

/** A store whose sessions live in `sessions` (e.g. Redis) and everything else in `base`. */
export function withSessionStore(base: Store, sessions: SessionStore & { ping(): Promise<void>; close(): Promise<void> }): Store {
  return {
    installations: base.installations,
    transactions: base.transactions,
    failures: base.failures,
    tokens: base.tokens,
    sessions,
    async ping() {
      await Promise.all([base.ping(), sessions.ping()]);
    },
    async close() {
      await Promise.allSettled([base.close(), sessions.close()]);
    },
  };
}
