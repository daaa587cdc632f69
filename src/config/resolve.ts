import type { HostPolicy } from '../protocol/hosts.ts';
import type { Clock } from '../talkdesk/types.ts';
import type { FailurePageOverride } from '../http/failure-page.ts';
import { DEFAULTS } from './defaults.ts';
import { isLoopbackHost } from './schema.ts';
import type { AppConnectOptions } from './types.ts';

/** Options after defaults, with derived values (origin, redirect URI, cookie policy). */
export interface ResolvedConfig {
  origin: string;
  paths: { events: string; launch: string; callback: string };
  redirectUri: string;
  supportContact: string;
  appId?: string;
  hostPolicy: HostPolicy;
  scope: string;
  /** Secure cookies with `__Host-`/`__Secure-` names; false only for plain-http loopback development. */
  secureCookies: boolean;
  sameSite: 'lax' | 'none';
  namePrefix: string;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  touchIntervalMs: number;
  cacheTtlMs: number;
  transactionTtlMs: number;
  maxPendingTransactions: number;
  enforceLicences: boolean;
  tokenEndpointAuth?: 'private_key_jwt' | 'client_secret_basic';
  frameAncestors: readonly string[];
  afterLoginPath: string;
  outboundTimeoutMs: number;
  maxEventBodyBytes: number;
  maxFailureRecordsPerMinute: number;
  pages: Readonly<Record<string, FailurePageOverride | undefined>>;
  clock: Clock;
}

export function resolveConfig(options: AppConnectOptions): ResolvedConfig {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const paths = { ...DEFAULTS.paths, ...(options.paths ?? {}) };
  const scopes = options.scopes ?? DEFAULTS.scopes;
  return {
    origin,
    paths,
    redirectUri: origin + paths.callback,
    supportContact: options.supportContact.trim(),
    ...(options.appId ? { appId: options.appId } : {}),
    hostPolicy: { extraOrigins: options.hostPolicy?.extraOrigins ?? [], extraHosts: options.hostPolicy?.extraHosts ?? [] },
    scope: typeof scopes === 'string' ? scopes.trim().split(/\s+/).join(' ') : scopes.join(' '),
    secureCookies: !(base.protocol === 'http:' && isLoopbackHost(base.hostname)),
    sameSite: options.cookies?.sameSite ?? DEFAULTS.sameSite,
    namePrefix: options.cookies?.namePrefix ?? DEFAULTS.namePrefix,
    idleTimeoutMs: options.sessions?.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    absoluteTimeoutMs: options.sessions?.absoluteTimeoutMs ?? DEFAULTS.absoluteTimeoutMs,
    touchIntervalMs: options.sessions?.touchIntervalMs ?? DEFAULTS.touchIntervalMs,
    cacheTtlMs: options.sessions?.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
    transactionTtlMs: options.transactions?.ttlMs ?? DEFAULTS.transactionTtlMs,
    maxPendingTransactions: options.transactions?.maxPending ?? DEFAULTS.maxPendingTransactions,
    enforceLicences: options.enforceLicences ?? true,
    ...(options.tokenEndpointAuth ? { tokenEndpointAuth: options.tokenEndpointAuth } : {}),
    frameAncestors: options.frameAncestors ?? DEFAULTS.frameAncestors,
    afterLoginPath: options.afterLoginPath ?? DEFAULTS.afterLoginPath,
    outboundTimeoutMs: options.outboundTimeoutMs ?? DEFAULTS.outboundTimeoutMs,
    maxEventBodyBytes: options.maxEventBodyBytes ?? DEFAULTS.maxEventBodyBytes,
    maxFailureRecordsPerMinute: options.maxFailureRecordsPerMinute ?? DEFAULTS.maxFailureRecordsPerMinute,
    pages: options.pages ?? {},
    clock: options.clock ?? Date.now,
  };
}
