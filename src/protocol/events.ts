import { z } from 'zod';
import { talkdeskIdSchema } from './ids.ts';
import { keyAlgorithmSchema } from './keys.ts';
import { linksSchema } from './links.ts';
import { rfc3339Schema } from './time.ts';

/**
 * Schemas of the AppConnect Events API payloads (shared/reference/talkdesk-appconnect.md, section 2).
 * Unknown fields are dropped (forward compatible); missing or mistyped required fields fail.
 */

export const EVENT_TYPES = [
  'app.installed',
  'app.updated',
  'app.uninstalled',
  'app.trial_started',
  'app.trial_extended',
  'app.trial_ended',
  'app.credentials_rotated',
  'user.logout',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const shortString = z.string().max(512);
const secretString = z.string().min(1).max(16_384);

const envelope = {
  id: talkdeskIdSchema,
  created_at: rfc3339Schema,
  api_version: z.string().max(16),
  app_id: talkdeskIdSchema,
  app_version_id: talkdeskIdSchema.optional(),
  app_version_name: shortString.optional(),
};

/** OAuth client material carried by app.installed and app.credentials_rotated. */
export const credentialsDataSchema = z.object({
  installation_id: talkdeskIdSchema,
  account_id: talkdeskIdSchema,
  account_name: z.string().min(1).max(256),
  client_id: z.string().min(1).max(256),
  client_secret: secretString,
  private_key: secretString,
  public_key: secretString,
  key_id: z.string().min(1).max(256),
  key_algorithm: keyAlgorithmSchema,
});
export type CredentialsData = z.infer<typeof credentialsDataSchema>;

export const appInstalledSchema = z.object({
  ...envelope,
  type: z.literal('app.installed'),
  data: credentialsDataSchema,
  _links: linksSchema(['root', 'self', 'authorization', 'tokens', 'userinfo'] as const),
});

export const appCredentialsRotatedSchema = z.object({
  ...envelope,
  type: z.literal('app.credentials_rotated'),
  data: credentialsDataSchema,
  _links: linksSchema(['root', 'self'] as const),
});

const userIdList = z.array(talkdeskIdSchema).max(100_000);
export const appUpdatedSchema = z.object({
  ...envelope,
  type: z.literal('app.updated'),
  data: z.object({
    installation_id: talkdeskIdSchema,
    account_id: talkdeskIdSchema,
    account_name: z.string().max(256).optional(),
    users: z.object({ adding: userIdList.optional(), removing: userIdList.optional() }).optional(),
    // Documented as free-form ("properties based on the user action"), e.g. { adding: { name, licenses: "10" } }.
    subscription: z.record(z.string(), z.unknown()).optional(),
  }),
  _links: linksSchema(['root', 'self'] as const),
});

export const appUninstalledSchema = z.object({
  ...envelope,
  type: z.literal('app.uninstalled'),
  data: z.object({
    installation_id: talkdeskIdSchema,
    account_id: talkdeskIdSchema,
    account_name: z.string().max(256).optional(),
    reason: z.object({ type: shortString.optional(), message: z.string().max(4096).optional() }).optional(),
  }),
  _links: linksSchema(['root', 'self'] as const),
});

const trialData = {
  installation_id: talkdeskIdSchema,
  account_id: talkdeskIdSchema,
  expires_at: rfc3339Schema,
};
export const appTrialStartedSchema = z.object({
  ...envelope,
  type: z.literal('app.trial_started'),
  data: z.object(trialData),
  _links: linksSchema(['root', 'self'] as const),
});
export const appTrialExtendedSchema = z.object({
  ...envelope,
  type: z.literal('app.trial_extended'),
  data: z.object(trialData),
  _links: linksSchema(['root', 'self'] as const),
});
export const appTrialEndedSchema = z.object({
  ...envelope,
  type: z.literal('app.trial_ended'),
  data: z.object({
    ...trialData,
    ended_at: rfc3339Schema,
    ended_reason: shortString,
    ended_by: shortString,
  }),
  _links: linksSchema(['root', 'self'] as const),
});

export const userLogoutSchema = z.object({
  ...envelope,
  type: z.literal('user.logout'),
  data: z.object({
    account_id: talkdeskIdSchema,
    user_id: talkdeskIdSchema,
    user_email: z.string().max(512).optional(),
    installation_id: talkdeskIdSchema,
  }),
  _links: linksSchema(['root', 'self'] as const),
});

export const appConnectEventSchema = z.discriminatedUnion('type', [
  appInstalledSchema,
  appUpdatedSchema,
  appUninstalledSchema,
  appTrialStartedSchema,
  appTrialExtendedSchema,
  appTrialEndedSchema,
  appCredentialsRotatedSchema,
  userLogoutSchema,
]);

export type AppInstalledEvent = z.infer<typeof appInstalledSchema>;
export type AppUpdatedEvent = z.infer<typeof appUpdatedSchema>;
export type AppUninstalledEvent = z.infer<typeof appUninstalledSchema>;
export type AppTrialStartedEvent = z.infer<typeof appTrialStartedSchema>;
export type AppTrialExtendedEvent = z.infer<typeof appTrialExtendedSchema>;
export type AppTrialEndedEvent = z.infer<typeof appTrialEndedSchema>;
export type AppCredentialsRotatedEvent = z.infer<typeof appCredentialsRotatedSchema>;
export type UserLogoutEvent = z.infer<typeof userLogoutSchema>;
export type AppConnectEvent = z.infer<typeof appConnectEventSchema>;

/** Every event carries its installation id in `data.installation_id`. */
export function installationIdOf(event: AppConnectEvent): string {
  return event.data.installation_id;
}

export function isKnownEventType(type: unknown): type is EventType {
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
}
