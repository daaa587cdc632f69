import type { KeyAlgorithm } from '../protocol/keys.ts';

/**
 * The storage contract of the kit. The core talks only to these interfaces; memory, SQLite,
 * PostgreSQL and Redis implement them, and `appconnect-sso/testing` holds the contract battery any
 * custom store can run. All times are epoch milliseconds. All methods are async so that networked
 * stores fit; implementations must make each method atomic on its own.
 */

/** A value sealed by the kit (AES-256-GCM, see src/crypto). Opaque to stores. */
export type SealedValue = string;

export type InstallationState = 'pending' | 'active' | 'rejected' | 'uninstalled';

export interface InstallationLinks {
  root: string;
  self?: string;
  authorization: string;
  tokens: string;
  userinfo: string;
  installation?: string;
}

export interface TrialInfo {
  state: 'active' | 'ended';
  expiresAt: number;
  endedAt?: number;
  endedReason?: string;
  endedBy?: string;
}

export interface InstallationRecord {
  installationId: string;
  appId: string;
  appVersionId?: string;
  accountId: string;
  accountName: string;
  state: InstallationState;
  /** Reason given when the install was rejected by the `onInstall` hook. */
  rejectReason?: string;
  clientId: string;
  /** Sealed with AAD (installationId, 'client_secret'); crypto-shredded (removed) on uninstall. */
  clientSecret?: SealedValue;
  /** Sealed with AAD (installationId, 'private_key'); crypto-shredded (removed) on uninstall. */
  privateKey?: SealedValue;
  publicKey?: string;
  keyId: string;
  keyAlgorithm: KeyAlgorithm;
  links: InstallationLinks;
  trial?: TrialInfo;
  /** Contact of the installing admin when known (shown on failure pages). */
  adminContact?: string;
  /** `created_at` of the newest event applied to the installation's credentials (ordering guard). */
  credentialsEventAt: number;
  /** `created_at` of the newest lifecycle event applied to the installation (ordering guard). */
  lastEventAt: number;
  /** `created_at` of the uninstall event; events older than this never resurrect the installation. */
  uninstalledAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** Durable work to do after a commit: Apps API acknowledgements and session revocations. */
export type OutboxPayload =
  | { kind: 'ack_installation'; installationId: string; appId: string; state: 'approve' | 'reject'; reason?: string }
  | { kind: 'ack_credentials'; installationId: string; appId: string; clientId: string }
  /** Acknowledge an uninstall (`/state` approve), then crypto-shred the installation's secrets. */
  | { kind: 'ack_uninstall'; installationId: string; appId: string }
  | { kind: 'revoke_user_sessions'; installationId: string; userId: string; watermark: number }
  | { kind: 'revoke_installation_sessions'; installationId: string; watermark: number };

export interface OutboxItem {
  id: string;
  payload: OutboxPayload;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
}

/** What the event handler decided, from the installation's state as read inside the store's atomic section. */
export type EventDecision =
  | { kind: 'ignore'; reason: string }
  | {
      kind: 'apply';
      /** The installation as it must be after the event (upserted), or undefined to leave it. */
      installation?: InstallationRecord;
      /** Licence changes, each applied only when newer than the user's last licence change (`at`). */
      licences?: { adding: readonly string[]; removing: readonly string[]; at: number };
      /** Items queued in the same atomic step. */
      outbox?: readonly OutboxPayload[];
    };

export type ApplyEventResult =
  /** `outbox`: the items queued in the same atomic step, in the decision's order. */
  | { outcome: 'applied'; outbox: OutboxItem[] }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate' };

export interface ApplyEventOptions {
  /**
   * The session store the caller uses. A store whose own `sessions` is this very object may run the
   * decision's revocations (`revoke_*` payloads) inside the same atomic step, publish them after the
   * commit, and then neither queue nor return them: one commit for the event and its Single Sign-Out.
   * Any other store queues them like the rest (the caller runs them).
   */
  sessions?: SessionStore;
}

export interface EventReceipt {
  eventId: string;
  installationId: string;
  type: string;
  createdAt: number;
  /**
   * When the event was received (defaults to the store's clock). Kept with the processed-event id
   * (what `purgeEventsBefore` compares) and used as `createdAt`/`nextAttemptAt` of the outbox items the
   * decision queues.
   */
  receivedAt?: number;
}

export interface InstallationStore {
  get(installationId: string): Promise<InstallationRecord | undefined>;
  list(options?: { limit?: number }): Promise<InstallationRecord[]>;
  isLicensed(installationId: string, userId: string): Promise<boolean>;
  listLicensedUsers(installationId: string): Promise<string[]>;
  /**
   * Atomically, for one event: if `receipt.eventId` was already recorded, returns `duplicate` and
   * changes nothing. Otherwise calls `decide` with the current installation (inside the atomic
   * section, serialised per installation), writes what it returns (installation, licences, outbox)
   * and records the event id, all together or not at all. `decide` must be synchronous and pure.
   */
  applyEvent(receipt: EventReceipt, decide: (current: InstallationRecord | undefined) => EventDecision, options?: ApplyEventOptions): Promise<ApplyEventResult>;
  /** Deletes processed-event ids older than `before` (kept at least 30 days for de-duplication). */
  purgeEventsBefore(before: number): Promise<number>;

  /** Queues work outside of an event (e.g. a retried acknowledgement). */
  enqueue(payload: OutboxPayload, now: number): Promise<OutboxItem>;
  /**
   * Claims up to `limit` items due at `now`, hiding each from other claimers until `now + leaseMs`
   * (two instances never run the same item at once; a crashed claimer's items come back).
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  complete(id: string): Promise<void>;
  /** Records a failed attempt and when to try next. */
  retryLater(id: string, nextAttemptAt: number, error: string): Promise<void>;
  /** Gives up on an item (kept for inspection with its last error). */
  deadLetter(id: string, error: string): Promise<void>;
  listOutbox(options?: { includeDone?: boolean; limit?: number }): Promise<Array<OutboxItem & { status: 'pending' | 'done' | 'dead' }>>;
  /** Optional housekeeping: deletes done and dead outbox items created before `before`. */
  purgeOutboxBefore?(before: number): Promise<number>;
}

/** A login in flight, between the standalone URL and the redirect URL. */
export interface LoginTransaction {
  /** SHA-256 (base64url) of the `state` value; the state itself is never stored. */
  stateHash: string;
  /** SHA-256 (base64url) of the browser-binding cookie value. */
  bindingHash: string;
  installationId: string;
  /** PKCE verifier, sealed (AAD: stateHash, 'code_verifier'). */
  codeVerifier: SealedValue;
  nonce: string;
  redirectUri: string;
  /** The `talkdesk_user_id` hint, kept only to record a mismatch. */
  hintUserId?: string;
  returnTo?: string;
  createdAt: number;
  expiresAt: number;
}

export interface TransactionStore {
  /** Stores a transaction; returns false (and stores nothing) when `maxPending` unexpired ones exist. */
  put(transaction: LoginTransaction, maxPending: number): Promise<boolean>;
  /** Atomically removes and returns the unexpired transaction with this state hash; single use. */
  consume(stateHash: string, now: number): Promise<LoginTransaction | undefined>;
  purgeExpired(now: number): Promise<number>;
}

export interface SessionRecord {
  /** SHA-256 (base64url) of the session id; the id itself is only in the browser's cookie. */
  idHash: string;
  installationId: string;
  accountId: string;
  /** Talkdesk user id from userinfo (`sub`, fallback `id`). */
  userId: string;
  /** The app's own user id returned by `resolveUser`. */
  appUserId: string;
  name?: string;
  email?: string;
  /** Talkdesk ID session id (`sid` of the token response) when given. */
  sid?: string;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
}

export type SessionCreateResult = 'created' | 'logged_out';

export interface SessionRevocation {
  installationId: string;
  userId?: string;
  idHashes: readonly string[];
}

export interface SessionStore {
  /**
   * Creates the session unless a logout watermark of its (installation, user), or of its
   * installation, is at or after `loginStartedAt`: then returns `logged_out` and stores nothing.
   */
  create(session: SessionRecord, loginStartedAt: number): Promise<SessionCreateResult>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Sliding renewal: moves `lastSeenAt` and `idleExpiresAt` (never past `absoluteExpiresAt`). */
  touch(idHash: string, lastSeenAt: number, idleExpiresAt: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of the user in the installation and raises the user's watermark (never lowers it). */
  revokeUser(installationId: string, userId: string, watermark: number): Promise<number>;
  /** Ends every session of the installation and raises the installation's watermark. */
  revokeInstallation(installationId: string, watermark: number): Promise<number>;
  listByUser(installationId: string, userId: string): Promise<SessionRecord[]>;
  listByInstallation(installationId: string, options?: { limit?: number }): Promise<SessionRecord[]>;
  purgeExpired(now: number): Promise<number>;
  /**
   * Optional fan-out: called on every instance sharing the store when sessions are revoked, so
   * in-process caches drop them at once. Returns an unsubscribe function.
   */
  subscribeRevocations?(listener: (revocation: SessionRevocation) => void): Promise<() => Promise<void>>;
}

export interface FailureRecord {
  referenceId: string;
  at: number;
  /** launch | callback | token | userinfo | authorization | session | events */
  stage: string;
  code: string;
  installationId?: string;
  userId?: string;
  hintUserId?: string;
  /** Plain-language summary safe to show to an operator (no secrets). */
  message: string;
  details?: Record<string, string | number | boolean>;
}

export interface FailureStore {
  record(failure: FailureRecord): Promise<void>;
  get(referenceId: string): Promise<FailureRecord | undefined>;
  list(options?: { limit?: number; installationId?: string }): Promise<FailureRecord[]>;
  /** Optional housekeeping (keeps the failure log bounded): deletes records with `at` before `before`. */
  purgeBefore?(before: number): Promise<number>;
}

/** A cached client-credentials token of an installation (sealed), shared by all instances. */
export interface CachedToken {
  installationId: string;
  accessToken: SealedValue;
  scope: string;
  expiresAt: number;
}

export interface TokenCacheStore {
  get(installationId: string, scope: string): Promise<CachedToken | undefined>;
  put(token: CachedToken): Promise<void>;
  delete(installationId: string): Promise<void>;
  /**
   * Cross-instance single flight: returns true when this caller won the right to refresh the
   * token until `now + leaseMs`; others wait and read the cache.
   */
  acquireRefreshLease(installationId: string, holder: string, now: number, leaseMs: number): Promise<boolean>;
  releaseRefreshLease(installationId: string, holder: string): Promise<void>;
}

export interface Store {
  readonly installations: InstallationStore;
  readonly transactions: TransactionStore;
  readonly sessions: SessionStore;
  readonly failures: FailureStore;
  readonly tokens: TokenCacheStore;
  /** Reachability check for health endpoints and `appconnect doctor`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
