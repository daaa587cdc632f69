import type { Sealer } from '../crypto/types.ts';
import type { InstallInfo, InstallVerdict } from '../installations/types.ts';
import type { HostPolicy } from '../protocol/hosts.ts';
import type { EventType } from '../protocol/events.ts';
import type { Store } from '../stores/types.ts';
import type { InstallationTokens } from '../talkdesk/token-cache.ts';
import type { Clock, TalkdeskClient } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import type { OutboxWorker } from './outbox-worker.ts';

export interface VerificationPolicy {
  /** ECDSA signature headers: 'required' (unsigned = 401), 'if-present' (default), 'off' (headers ignored). */
  signature?: 'required' | 'if-present' | 'off';
  /** GET `_links.self` and compare: 'always', 'when-unsigned' (default), 'off'. */
  fetchBack?: 'always' | 'when-unsigned' | 'off';
  /** Events whose `created_at` is older than this are refused (default 24 h; 0 = no limit). */
  maxEventAgeMs?: number;
  /** Events dated further in the future than this are refused (default 5 min). */
  maxClockSkewMs?: number;
}

export interface SignatureKeyOptions {
  /**
   * API roots whose `/events/signature-keys/{id}` may serve keys (each must pass the host policy).
   * Default: every regional Talkdesk API root, plus `{origin}/api` for each `hostPolicy.extraOrigins`
   * entry (the emulator's layout).
   */
  roots?: readonly string[];
  /** An unknown key id is fetched at most once per this period (default 60 s). */
  unknownKeyRetryMs?: number;
  /** At most this many unknown-key lookups per minute in all (default 10). */
  maxUnknownLookupsPerMinute?: number;
  /** Keys kept in memory (default 64). */
  maxCachedKeys?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What `onEvent` sees after a commit (never secrets). */
export interface EventNotice {
  eventId: string;
  type: EventType;
  installationId: string;
  accountId: string;
  createdAt: number;
  outcome: 'applied' | 'ignored' | 'duplicate';
  reason?: string;
}

export interface EventHooks {
  /** Called before an app.installed is stored; a refusal rejects the install through the Apps API. */
  onInstall?(info: InstallInfo): InstallVerdict | Promise<InstallVerdict>;
  /** Called after each event was made durable (errors are logged, never change the answer). */
  onEvent?(notice: EventNotice): void | Promise<void>;
}

export interface EventsDeps {
  store: Store;
  sealer: Sealer;
  talkdesk: TalkdeskClient;
  hostPolicy: HostPolicy;
  /** Client-credentials tokens for fetch-back (default: built from store, sealer and talkdesk). */
  tokens?: InstallationTokens;
  verification?: VerificationPolicy;
  /** When set, events for any other app id are refused (403). */
  appId?: string;
  hooks?: EventHooks;
  logger?: Logger;
  clock?: Clock;
  signatureKeys?: SignatureKeyOptions;
  /** Runs revocations inline right after a commit and is kicked for acknowledgements. */
  worker?: OutboxWorker;
  /** Body cap in bytes (default 64 KiB). */
  maxBodyBytes?: number;
}
