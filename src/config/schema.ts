import { z } from 'zod';
import { TALKDESK_ID } from '../protocol/ids.ts';

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `${what} must be a function`);
const path = z
  .string()
  .regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/, 'must be an absolute path starting with "/" (no query, no fragment)')
  .refine((p) => !p.startsWith('//'), 'must not start with "//"')
  .refine((p) => p.length <= 256, 'must be at most 256 characters');
const positiveMs = (max: number) => z.number().int('must be a whole number of milliseconds').positive().max(max);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname) || hostname.endsWith('.localhost');
}

const baseUrl = z
  .string({ error: 'is required: the public origin of the app, e.g. https://app.example.com' })
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://app.example.com' });
      return;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'must use https (plain http is only allowed for localhost / 127.0.0.1 in development)' });
    }
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must be an origin only (no path, query or fragment); set `paths` for the URLs' });
    }
  });

const scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'each scope must be a non-empty token without spaces or quotes');

export const optionsSchema = z.object({
  baseUrl,
  supportContact: z
    .string({ error: 'is required: an e-mail, https URL or text shown on failure pages' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  paths: z.object({ events: path.optional(), launch: path.optional(), callback: path.optional() }).strict().optional(),
  sessionsUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  store: z.union([z.string().min(1), z.custom<object>((v) => typeof v === 'object' && v !== null && 'sessions' in v && 'transactions' in v, 'must be a Store or a store URL')]).optional(),
  dataDir: z.string().min(1).optional(),
  secretKey: z.string().min(1).optional(),
  appId: z.string().regex(TALKDESK_ID, 'must be a 24- or 32-character lowercase hex id').optional(),
  verification: z
    .object({
      signature: z.enum(['required', 'if-present', 'off']).optional(),
      fetchBack: z.enum(['always', 'when-unsigned', 'off']).optional(),
      maxEventAgeMs: z.number().int().min(0).max(30 * 86_400_000).optional(),
      maxClockSkewMs: z.number().int().min(0).max(3_600_000).optional(),
    })
    .strict()
    .optional(),
  hostPolicy: z
    .object({
      extraOrigins: z.array(z.url({ message: 'each extra origin must be a URL like http://127.0.0.1:4010' })).optional(),
      extraHosts: z.array(z.string().regex(/^[a-z0-9.-]+$/, 'each extra host must be a lower-case host name')).optional(),
    })
    .strict()
    .optional(),
  scopes: z.union([z.string().trim().min(1), z.array(scope).min(1)]).optional(),
  cookies: z
    .object({
      sameSite: z.enum(['lax', 'none']).optional(),
      namePrefix: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -').optional(),
    })
    .strict()
    .optional(),
  sessions: z
    .object({
      idleTimeoutMs: positiveMs(30 * 86_400_000).optional(),
      absoluteTimeoutMs: positiveMs(90 * 86_400_000).optional(),
      touchIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
      cacheTtlMs: z.number().int().min(0).max(60_000).optional(),
    })
    .strict()
    .optional(),
  transactions: z
    .object({ ttlMs: positiveMs(3_600_000).optional(), maxPending: z.number().int().positive().max(10_000_000).optional() })
    .strict()
    .optional(),
  tokenEndpointAuth: z.enum(['private_key_jwt', 'client_secret_basic']).optional(),
  enforceLicences: z.boolean().optional(),
  frameAncestors: z.array(z.string().regex(/^[^\s;,]+$/, 'each entry must be one CSP source expression')).min(1).optional(),
  afterLoginPath: path.optional(),
  outboundTimeoutMs: positiveMs(120_000).optional(),
  maxEventBodyBytes: z.number().int().min(1024).max(10 * 1024 * 1024).optional(),
  startOutboxWorker: z.boolean().optional(),
  startHousekeeping: z.boolean().optional(),
  retention: z
    .object({ eventsMs: positiveMs(366 * 86_400_000).optional(), outboxMs: positiveMs(366 * 86_400_000).optional(), failuresMs: positiveMs(366 * 86_400_000).optional() })
    .strict()
    .optional(),
  maxFailureRecordsPerMinute: z.number().int().positive().optional(),
  onInstall: fn('onInstall').optional(),
  resolveUser: fn('resolveUser').optional(),
  onError: fn('onError').optional(),
  onEvent: fn('onEvent').optional(),
  onLogin: fn('onLogin').optional(),
  pages: z.record(z.string(), fn('each page override')).optional(),
  logger: z
    .custom<object>((v) => typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'), 'must have debug, info, warn and error methods')
    .optional(),
  clock: fn('clock').optional(),
}).strict();
