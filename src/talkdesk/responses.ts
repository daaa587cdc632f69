import { z } from 'zod';

/** Token endpoint 200 body (Talkdesk reference, section 4.2); unknown fields dropped. */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1).max(16_384),
  token_type: z.string().min(1).max(64).refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.union([z.number(), z.string().regex(/^\d{1,10}$/).transform(Number)]).pipe(z.number().int().positive().max(10 * 365 * 86_400)).optional(),
  scope: z.string().max(4096).optional(),
  refresh_token: z.string().min(1).max(16_384).optional(),
  sid: z.string().min(1).max(1024).optional(),
  id_token: z.string().min(1).max(16_384).optional(),
});

/** Userinfo body: `sub` required by the docs; `id` accepted as a fallback. */
export const userinfoResponseSchema = z
  .object({
    sub: z.string().min(1).max(256).optional(),
    id: z.string().min(1).max(256).optional(),
    name: z.string().max(1024).optional(),
    email: z.string().max(1024).optional(),
  })
  .refine((u) => u.sub !== undefined || u.id !== undefined, 'userinfo has neither sub nor id');

export const installationResponseSchema = z.object({
  id: z.string().min(1).max(256),
  scopes: z.array(z.string().max(256)).max(1000).optional(),
  _embedded: z
    .object({
      created_by: z
        .object({ id: z.string().max(256).optional(), name: z.string().max(1024).optional(), email: z.string().max(1024).optional() })
        .optional(),
      state: z.object({ state: z.string().max(64).optional() }).optional(),
    })
    .optional(),
});

export const installationUsersPageSchema = z.object({
  _embedded: z.object({ users: z.array(z.object({ id: z.string().min(1).max(256) })).max(10_000) }).optional(),
  _links: z.object({ next: z.object({ href: z.string().max(2048) }).optional() }).optional(),
});
