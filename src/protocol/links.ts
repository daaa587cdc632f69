import { z } from 'zod';

/** Link names found in `_links` of AppConnect events (reference section 1.2). */
export const LINK_NAMES = ['root', 'self', 'userinfo', 'authorization', 'tokens', 'installation', 'user'] as const;
export type LinkName = (typeof LINK_NAMES)[number];

const MAX_URL = 2048;
export const linkSchema = z.object({ href: z.string().min(1).max(MAX_URL) });
export type Link = z.infer<typeof linkSchema>;

/**
 * `_links` is HAL: every entry `{ href }`. Unknown link names are ignored (forward compatible);
 * which names are required depends on the event type.
 */
export function linksSchema<R extends LinkName>(required: readonly R[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const name of LINK_NAMES) {
    shape[name] = (required as readonly string[]).includes(name) ? linkSchema : linkSchema.optional();
  }
  return z.object(shape) as unknown as z.ZodObject<
    { [K in R]: typeof linkSchema } & { [K in Exclude<LinkName, R>]: z.ZodOptional<typeof linkSchema> }
  >;
}

/** Canonical paths the emulator uses (and Talkdesk's examples show) under the API root. */
export const apiPaths = {
  event: (appId: string, eventId: string) => `/apps/${appId}/events/${eventId}`,
  installation: (appId: string, installationId: string) => `/apps/${appId}/installations/${installationId}`,
  installationState: (appId: string, installationId: string) => `/apps/${appId}/installations/${installationId}/state`,
  installationUsers: (appId: string, installationId: string) => `/apps/${appId}/installations/${installationId}/users`,
  credentialsState: (appId: string, installationId: string, clientId: string) =>
    `/apps/${appId}/installations/${installationId}/credentials/${clientId}/state`,
  userinfo: () => '/users/me',
  user: (userId: string) => `/users/${userId}`,
  signatureKey: (keyId: string) => `/events/signature-keys/${keyId}`,
} as const;

/** Joins the API root (with or without a trailing slash) and an absolute path. */
export function joinRoot(root: string, path: string): string {
  return root.replace(/\/+$/, '') + path;
}
