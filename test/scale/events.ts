import { randomBytes } from 'node:crypto';
import type { ScaleWorld } from './world.ts';

/** What a hand-made event needs from a real installation (taken from its app.installed body). */
export interface EventTemplate {
  appId: string;
  installationId: string;
  accountId: string;
  root: string;
  installationHref: string;
}

export async function eventTemplate(world: ScaleWorld, installationId: string): Promise<EventTemplate> {
  const installed = (await world.control.deliveries(installationId)).find((d) => d.type === 'app.installed');
  if (!installed) throw new Error('no app.installed event');
  const body = (await world.control.event(installed.event_id)).body as {
    app_id: string;
    data: { account_id: string };
    _links: { root: { href: string }; installation: { href: string } };
  };
  return { appId: body.app_id, installationId, accountId: body.data.account_id, root: body._links.root.href, installationHref: body._links.installation.href };
}

/** A user.logout event for a fresh user id (its effect, one revocation outbox item, is easy to count). */
export function logoutEvent(t: EventTemplate): { id: string; userId: string; body: Record<string, unknown> } {
  const id = randomBytes(16).toString('hex');
  const userId = randomBytes(12).toString('hex');
  return {
    id,
    userId,
    body: {
      id,
      created_at: new Date().toISOString(),
      api_version: '1',
      type: 'user.logout',
      app_id: t.appId,
      data: { account_id: t.accountId, user_id: userId, user_email: `${userId}@scale.example`, installation_id: t.installationId },
      _links: {
        root: { href: t.root },
        self: { href: `${t.root}/apps/${t.appId}/events/${id}` },
        installation: { href: t.installationHref },
        user: { href: `${t.root}/users/${userId}` },
      },
    },
  };
}
