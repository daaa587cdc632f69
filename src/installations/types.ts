import type { Sealer } from '../crypto/types.ts';

/** What the `onInstall` hook answers. */
export type InstallVerdict = { approve: true } | { approve: false; reason: string };

/** Installation facts given to `onInstall` (never secrets). */
export interface InstallInfo {
  installationId: string;
  appId: string;
  appVersionId?: string;
  accountId: string;
  accountName: string;
  /** `created_at` of the app.installed event (epoch ms). */
  installedAt: number;
}

export interface DecideContext {
  sealer: Sealer;
  /** When the event was received (epoch ms). */
  now: number;
  /** Verdict of `onInstall` for app.installed (default: approve). */
  installVerdict?: InstallVerdict;
  /**
   * How far in the future (relative to `now`) an event's `created_at` may push a logout watermark
   * (default 5 s); protects against a sender clock that runs ahead locking users out.
   */
  maxWatermarkSkewMs?: number;
}

/** Why an event was ignored; stable strings (logged, returned by applyEvent). */
export const IgnoreReason = {
  UnknownInstallation: 'unknown_installation',
  Uninstalled: 'installation_uninstalled',
  OlderThanInstall: 'older_than_installation',
  StaleCredentials: 'stale_credentials',
  StaleTrial: 'stale_trial',
  AccountMismatch: 'account_mismatch',
  AppMismatch: 'app_mismatch',
  NotPending: 'not_pending',
  NothingToShred: 'nothing_to_shred',
} as const;
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason];
