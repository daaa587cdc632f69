import type pg from 'pg';
import type { PoolConfig } from 'pg';
import type { SessionRevocation } from '../types.ts';
import type { Tx } from './database.ts';

/** NOTIFY payloads are limited to 8000 bytes: big revocations are sent in chunks of id hashes. */
const HASHES_PER_NOTIFICATION = 80;

export function revocationChannel(schema: string): string {
  return `appconnect_revocations_${schema}`.slice(0, 63);
}

/** Queues the revocation on the channel; PostgreSQL delivers it to every listener when the transaction commits. */
export async function notifyRevocation(tx: Tx, channel: string, revocation: SessionRevocation): Promise<void> {
  const hashes = [...revocation.idHashes];
  do {
    const chunk = hashes.splice(0, HASHES_PER_NOTIFICATION);
    await tx.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ ...revocation, idHashes: chunk })]);
  } while (hashes.length > 0);
}

type Listener = (revocation: SessionRevocation) => void;

/**
 * One LISTEN connection per store, shared by its subscribers; reconnects with backoff when the
 * database goes away (revocations sent while disconnected are missed: the store itself stays the
 * source of truth, so a cache must re-check it after a reconnect).
 */
export class RevocationListener {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<Listener>();
  private closed = false;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly driver: typeof pg, private readonly config: PoolConfig, private readonly channel: string) {}

  async subscribe(listener: Listener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    await this.ensureConnected();
    return async () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) await this.disconnect();
    };
  }

  private ensureConnected(): Promise<void> {
    if (this.client !== undefined) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new this.driver.Client(this.config);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined) return;
      let revocation: SessionRevocation;
      try {
        revocation = JSON.parse(message.payload) as SessionRevocation;
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) {
        try {
          listener(revocation);
        } catch {
          // a listener's failure never stops the others
        }
      }
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    if (this.closed || this.listeners.size === 0) return;
    const retry = (delay: number): void => {
      this.retryTimer = setTimeout(() => {
        this.ensureConnected().catch(() => retry(Math.min(delay * 2, 30_000)));
      }, delay);
      this.retryTimer.unref();
    };
    retry(250);
  }

  private async disconnect(): Promise<void> {
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.end().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.connecting?.catch(() => {});
    await this.disconnect();
  }
}
