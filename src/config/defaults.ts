/** Default values of the options (docs/configuration.md lists them). */
export const DEFAULTS = {
  paths: { events: '/appconnect/events', launch: '/appconnect/launch', callback: '/appconnect/callback' },
  dataDir: './data',
  scopes: 'openid',
  namePrefix: 'appconnect',
  sameSite: 'lax' as const,
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 3_600_000,
  touchIntervalMs: 60_000,
  cacheTtlMs: 0,
  transactionTtlMs: 10 * 60_000,
  maxPendingTransactions: 10_000,
  afterLoginPath: '/',
  outboundTimeoutMs: 10_000,
  maxEventBodyBytes: 256 * 1024,
  maxFailureRecordsPerMinute: 600,
  /** The app itself and Talkdesk's web origins (checklist S09). */
  frameAncestors: ["'self'", 'https://*.mytalkdesk.com', 'https://*.mytalkdesk.eu', 'https://*.mytalkdeskca.com', 'https://*.mytalkdesk.au'],
} as const;
