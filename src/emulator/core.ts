import type { EmulatorConfig } from './config.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';
import type { Faults } from './faults.ts';
import type { EmulatorUrls } from './urls.ts';
import { AccountsRepo } from './state/accounts.ts';
import { AppsRepo } from './state/apps.ts';
import { CredentialsRepo } from './state/credentials.ts';
import { EventsRepo } from './state/events.ts';
import { InstallationsRepo } from './state/installations.ts';
import { LoginSessionsRepo } from './state/login-sessions.ts';
import { OAuthGrantsRepo } from './state/oauth-grants.ts';
import { SigningKeysRepo } from './state/signing-keys.ts';

/** Everything a route needs: configuration, clock, URLs, state and the delivery kick. */
export class EmulatorCore {
  readonly apps: AppsRepo;
  readonly accounts: AccountsRepo;
  readonly installations: InstallationsRepo;
  readonly credentials: CredentialsRepo;
  readonly sessions: LoginSessionsRepo;
  readonly grants: OAuthGrantsRepo;
  readonly events: EventsRepo;
  readonly keys: SigningKeysRepo;
  /** Installations whose new events are held (`'*'` = all), for out-of-order tests. */
  readonly paused = new Set<string>();
  /** Set by the delivery scheduler: wake up, something is due. */
  kick: () => void = () => {};

  constructor(
    readonly config: EmulatorConfig,
    readonly db: Db,
    readonly clock: Clock,
    readonly urls: EmulatorUrls,
    readonly faults: Faults,
  ) {
    this.apps = new AppsRepo(db);
    this.accounts = new AccountsRepo(db);
    this.installations = new InstallationsRepo(db);
    this.credentials = new CredentialsRepo(db);
    this.sessions = new LoginSessionsRepo(db);
    this.grants = new OAuthGrantsRepo(db);
    this.events = new EventsRepo(db);
    this.keys = new SigningKeysRepo(db);
  }

  /** Runs `fn` in one SQLite transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  isPaused(installationId: string): boolean {
    return this.paused.has('*') || this.paused.has(installationId);
  }
}
