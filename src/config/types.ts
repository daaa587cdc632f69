import type { FailurePageOverride } from '../http/failure-page.ts';
import type { HostPolicy } from '../protocol/hosts.ts';
import type { FailureRecord, InstallationRecord, Store } from '../stores/types.ts';
import type { TalkdeskUser, Clock } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import type { InstallInfo, InstallVerdict } from '../installations/types.ts';
import type { EventNotice, VerificationPolicy } from '../events/types.ts';

/** What `resolveUser` returns: the app's own user id, or a refusal (shown on the failure page). */
export type ResolveUserResult = { appUserId: string } | { refuse: string };

export type { InstallInfo, InstallVerdict } from '../installations/types.ts';
export type { VerificationPolicy, EventNotice } from '../events/types.ts';

/** The user of a signed-in session, as the app sees it. */
export interface SessionUser {
  /** The app's own user id (from `resolveUser`; the Talkdesk user id by default). */
  appUserId: string;
  /** Talkdesk user id (userinfo `sub`). */
  userId: string;
  installationId: string;
  accountId: string;
  name?: string;
  email?: string;
  /** When the session was created and when it ends at the latest (epoch ms). */
  createdAt: number;
  expiresAt: number;
}

export interface LoginEvent {
  user: SessionUser;
  installation: InstallationRecord;
  talkdeskUser: TalkdeskUser;
}

/** Options of `createAppConnect`. Only `baseUrl` and `supportContact` are required. */
export interface AppConnectOptions {
  /** The app's public origin, e.g. `https://app.example.com` (`http://localhost:3000` in development). */
  baseUrl: string;
  /** Who users should contact when sign-in fails (e-mail, https URL or text), shown on failure pages. */
  supportContact: string;
  /** Paths of the three AppConnect URLs, relative to `baseUrl`. */
  paths?: { events?: string; launch?: string; callback?: string };
  /**
   * A Store, or a store URL for `openStore` (`sqlite:./data/appconnect.db`, `postgres://...`, `memory:`).
   * Default: APPCONNECT_STORE_URL, else SQLite in `dataDir`.
   */
  store?: Store | string;
  /** Where sessions live when not in `store` (e.g. `redis://127.0.0.1:6379`). Default: APPCONNECT_SESSIONS_URL, else `store`. */
  sessionsUrl?: string;
  /** Folder for the default SQLite database and the generated secret key file. Default `./data`. */
  dataDir?: string;
  /** Sealing key(s), as APPCONNECT_SECRET_KEY. Default: that environment variable, else `<dataDir>/secret.key` (created 0600). */
  secretKey?: string;
  /** Expected AppConnect app id; events and installations of other apps are refused. */
  appId?: string;
  /** How events are authenticated (see docs/configuration.md). */
  verification?: VerificationPolicy;
  /** Extra hosts or origins allowed besides Talkdesk's (e.g. the emulator's origin in development). */
  hostPolicy?: HostPolicy;
  /** Space-separated string or list; default `openid`. */
  scopes?: string | readonly string[];
  cookies?: {
    /** `lax` (default) for a top-level app; `none` (Secure, Partitioned) when Talkdesk frames the app. */
    sameSite?: 'lax' | 'none';
    /** Prefix of the cookie names (default `appconnect`). */
    namePrefix?: string;
  };
  sessions?: {
    /** Idle timeout (default 30 min). */
    idleTimeoutMs?: number;
    /** Absolute lifetime (default 12 h). */
    absoluteTimeoutMs?: number;
    /** Sliding renewal writes at most this often per session (default 60 s). */
    touchIntervalMs?: number;
    /** In-process session cache TTL; 0 disables it (default). Needs a store that fans out revocations. */
    cacheTtlMs?: number;
  };
  transactions?: {
    /** Lifetime of a login in flight (default 10 min). */
    ttlMs?: number;
    /** Most logins in flight at once (default 10 000); more get a 503 page. */
    maxPending?: number;
  };
  /** Token endpoint client authentication: `private_key_jwt` (default when the installation has a key; required for listed apps) or `client_secret_basic`. */
  tokenEndpointAuth?: 'private_key_jwt' | 'client_secret_basic';
  /** Refuse users without a licence for the app (default true). */
  enforceLicences?: boolean;
  /** CSP frame-ancestors of the kit's pages (default: `'self'` plus Talkdesk's web origins). */
  frameAncestors?: readonly string[];
  /** Where users land after sign-in (a path of this app; default `/`). */
  afterLoginPath?: string;
  /** Deadline of each call to Talkdesk (default 10 000 ms). */
  outboundTimeoutMs?: number;
  /** Largest event body accepted (default 256 KiB). */
  maxEventBodyBytes?: number;
  /** Start the outbox worker (Apps API acknowledgements) automatically (default true). */
  startOutboxWorker?: boolean;
  /** Run the housekeeping job (purges of expired and old rows) every 10 minutes. Default true. */
  startHousekeeping?: boolean;
  /** How long processed event ids (30 days), finished outbox items (7 days) and failure records (30 days) are kept. */
  retention?: { eventsMs?: number; outboxMs?: number; failuresMs?: number };
  /** Failure records stored per minute at most (default 600); more are only logged. */
  maxFailureRecordsPerMinute?: number;

  /** Called for app.installed before it is stored; `{ approve: false, reason }` rejects the install through the Apps API. */
  onInstall?: (installation: InstallInfo) => InstallVerdict | Promise<InstallVerdict>;
  /** Called after each event was made durable (errors are logged). */
  onEvent?: (notice: EventNotice) => void | Promise<void>;
  /** Maps a Talkdesk user to the app's user, or refuses. Default: `{ appUserId: talkdeskUser.userId }`. */
  resolveUser?: (talkdeskUser: TalkdeskUser, installation: InstallationRecord) => ResolveUserResult | Promise<ResolveUserResult>;
  /** Sees every recorded failure (SSO failures, hint mismatches). Errors it throws are logged. */
  onError?: (failure: FailureRecord) => void | Promise<void>;
  /** Called after each successful sign-in. Errors it throws are logged. */
  onLogin?: (event: LoginEvent) => void | Promise<void>;
  /** Failure pages to use instead of the kit's, per error code (`'*'` for all). */
  pages?: Readonly<Record<string, FailurePageOverride>>;
  logger?: Logger;
  /** Epoch-ms clock, for tests. */
  clock?: Clock;
}

