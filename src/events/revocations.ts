import type { OutboxPayload, Store } from '../stores/types.ts';

export type RevocationPayload = Extract<OutboxPayload, { kind: 'revoke_user_sessions' | 'revoke_installation_sessions' }>;

export function isRevocation(payload: OutboxPayload): payload is RevocationPayload {
  return payload.kind === 'revoke_user_sessions' || payload.kind === 'revoke_installation_sessions';
}

/** Ends the sessions a revocation names and raises the watermark (idempotent). */
export async function runRevocation(store: Store, payload: RevocationPayload): Promise<void> {
  if (payload.kind === 'revoke_user_sessions') await store.sessions.revokeUser(payload.installationId, payload.userId, payload.watermark);
  else await store.sessions.revokeInstallation(payload.installationId, payload.watermark);
}
