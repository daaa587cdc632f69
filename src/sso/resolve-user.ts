import type { AppConnectOptions } from '../config/types.ts';
import type { InstallationRecord } from '../stores/types.ts';
import type { TalkdeskUser } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';

export type ResolvedAppUser = { appUserId: string } | { refuse: string } | { error: true };

/**
 * Runs the app's `resolveUser` hook (default: the Talkdesk user id is the app user id) and checks
 * what it returns; a throw or a malformed answer is an error, never a sign-in.
 */
export async function resolveAppUser(
  hook: AppConnectOptions['resolveUser'],
  user: TalkdeskUser,
  installation: InstallationRecord,
  logger: Logger,
): Promise<ResolvedAppUser> {
  if (!hook) return { appUserId: user.userId };
  let answer: unknown;
  try {
    answer = await hook(user, installation);
  } catch (error) {
    logger.error({ installationId: installation.installationId, error: (error as Error).message }, 'appconnect: resolveUser hook threw');
    return { error: true };
  }
  if (answer && typeof answer === 'object') {
    const record = answer as Record<string, unknown>;
    if (typeof record['refuse'] === 'string') return { refuse: record['refuse'].slice(0, 300) };
    if (typeof record['appUserId'] === 'string' && record['appUserId'].length > 0 && record['appUserId'].length <= 256) {
      return { appUserId: record['appUserId'] };
    }
  }
  logger.error({ installationId: installation.installationId }, 'appconnect: resolveUser must return { appUserId } or { refuse }');
  return { error: true };
}
