import { randomBytes } from 'node:crypto';
import type { FailureRecord, InstallationRecord, LoginTransaction, SessionRecord } from '../stores/types.ts';

/** Record factories for store tests. Every id is fresh so tests never collide. */

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function sampleInstallation(overrides: Partial<InstallationRecord> = {}): InstallationRecord {
  const now = Date.now();
  const installationId = overrides.installationId ?? hex(16);
  return {
    installationId,
    appId: hex(16),
    accountId: hex(12),
    accountName: 'Acme',
    state: 'active',
    clientId: hex(16),
    clientSecret: 'v1.k1.sealed-secret',
    privateKey: 'v1.k1.sealed-private-key',
    publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
    keyId: hex(16),
    keyAlgorithm: 'ES256',
    links: {
      root: 'https://api.talkdeskapp.com',
      authorization: 'https://acme.talkdeskid.com/oauth/authorize',
      tokens: 'https://acme.talkdeskid.com/oauth/token',
      userinfo: 'https://acme.talkdeskid.com/oauth/userinfo',
    },
    credentialsEventAt: now,
    lastEventAt: now,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function sampleTransaction(overrides: Partial<LoginTransaction> = {}): LoginTransaction {
  const now = Date.now();
  return {
    stateHash: randomBytes(32).toString('base64url'),
    bindingHash: randomBytes(32).toString('base64url'),
    installationId: hex(16),
    codeVerifier: 'v1.k1.sealed-verifier',
    nonce: randomBytes(16).toString('base64url'),
    redirectUri: 'https://app.example.com/talkdesk/callback',
    createdAt: now,
    expiresAt: now + 600_000,
    ...overrides,
  };
}

export function sampleSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    idHash: randomBytes(32).toString('base64url'),
    installationId: hex(16),
    accountId: hex(12),
    userId: hex(12),
    appUserId: `app-${hex(4)}`,
    name: 'Ada',
    email: 'ada@example.com',
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 3_600_000,
    absoluteExpiresAt: now + 8 * 3_600_000,
    ...overrides,
  };
}

export function sampleFailure(overrides: Partial<FailureRecord> = {}): FailureRecord {
  return {
    referenceId: hex(8),
    at: Date.now(),
    stage: 'callback',
    code: 'APPCONNECT_CALLBACK_STATE_INVALID',
    message: 'The sign-in link expired or was already used.',
    ...overrides,
  };
}
