import { z } from 'zod';
import { HEX24, HEX32, KEY_ALGORITHMS, rfc3339Schema } from '../../protocol/index.ts';

/** Input schemas of the control API. Form posts from the App Manager send strings; these accept both. */

const webUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'expected an absolute http(s) URL without credentials');

/** An array, or (from a form) one value / a comma- or space-separated string. */
function list<T extends z.ZodType>(item: T, max = 10_000) {
  return z.preprocess((v) => {
    if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
    return v;
  }, z.array(item).max(max));
}

const bool = z.preprocess((v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === '' ? false : v), z.boolean());

export const hex32 = z.string().regex(HEX32, 'expected a 32-character lowercase hex id');
export const hex24 = z.string().regex(HEX24, 'expected a 24-character lowercase hex id');

export const createAppSchema = z.object({
  name: z.string().trim().min(1).max(200),
  events_url: webUrl,
  standalone_url: webUrl,
  redirect_url: webUrl,
  version_name: z.string().trim().min(1).max(100).optional(),
});

export const createAccountSchema = z.object({
  name: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected a lowercase DNS label (a-z, 0-9, -)'),
});

export const addUserSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
});

export const SCOPES = ['openid', 'refresh_token', 'apps:read', 'apps:write', 'events:read', 'users:read', 'account:read'] as const;
export const DEFAULT_INSTALLATION_SCOPES: readonly string[] = SCOPES;

export const installSchema = z.object({
  app_id: hex32,
  account_id: hex24,
  users: list(hex24).optional(),
  key_algorithm: z.enum(KEY_ALGORITHMS).optional(),
  scopes: list(z.enum(SCOPES), 20).optional(),
  /** Start a trial when the partner approves the installation (app.trial_started follows the approval). */
  trial: bool.optional(),
});

export const licensesSchema = z
  .object({
    adding: list(hex24).default([]),
    removing: list(hex24).default([]),
    subscription: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => v.adding.length + v.removing.length > 0 || v.subscription !== undefined, 'send adding, removing or subscription')
  .refine((v) => !v.adding.some((u) => v.removing.includes(u)), 'a user cannot be both added and removed');

export const rotateSchema = z.object({
  compromised: bool.optional(),
  key_algorithm: z.enum(KEY_ALGORITHMS).optional(),
});

export const trialSchema = z.object({
  action: z.enum(['start', 'extend', 'end']),
  expires_at: rfc3339Schema.optional(),
  days: z.coerce.number().int().min(1).max(3650).optional(),
  reason: z.enum(['trial_expired', 'plan_upgraded', 'app_uninstalled']).optional(),
});

export const uninstallSchema = z.object({
  reason: z
    .object({ type: z.string().min(1).max(100), message: z.string().max(2000) })
    .optional(),
});

export const clockSchema = z.object({ skew_seconds: z.coerce.number().min(-365 * 86400).max(365 * 86400) });

export const pauseSchema = z.object({ installation_id: hex32.optional() });

export const releaseSchema = z.object({
  installation_id: hex32.optional(),
  order: z.enum(['created', 'reverse']).default('created'),
});

export const sendEventSchema = z.object({
  installation_id: hex32,
  /** The exact body to POST (string), or an object serialised as JSON. */
  body: z.union([z.string().max(262_144), z.record(z.string(), z.unknown())]),
  signature: z.enum(['valid', 'invalid', 'none']).default('valid'),
});
