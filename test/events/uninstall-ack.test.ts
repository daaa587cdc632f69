import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createOutboxWorker } from '../../src/events/outbox-worker.ts';
import { createSealer } from '../../src/crypto/index.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { sampleInstallation } from '../../src/testing/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';
import type { TalkdeskClient } from '../../src/talkdesk/types.ts';
import type { InstallationTokens } from '../../src/talkdesk/token-cache.ts';

/** A Talkdesk whose Apps API always fails: the uninstall acknowledgement can never succeed. */
function failingTalkdesk(calls: string[]): TalkdeskClient {
  const fail = async (): Promise<never> => {
    calls.push('ackInstallation');
    throw new AppConnectError(ErrorCode.AppsApiFailed, 'Apps API answered 500', { status: 502, details: { httpStatus: 500 } });
  };
  return new Proxy({} as TalkdeskClient, { get: (_t, name) => (name === 'ackInstallation' ? fail : async () => { throw new Error(`unexpected ${String(name)}`); }) });
}

test('an uninstall whose acknowledgement keeps failing still ends with the secrets shredded', async () => {
  const store = createMemoryStore();
  const sealer = createSealer([{ kid: 'k1', key: randomBytes(32) }]);
  const installation = sampleInstallation({ state: 'active' });
  const secret = sealer.seal('s3cret', installation.installationId, 'client_secret');
  const now = Date.now();
  await store.installations.applyEvent({ eventId: 'e1'.padEnd(32, '0'), installationId: installation.installationId, type: 'app.installed', createdAt: now }, () => ({
    kind: 'apply',
    installation: { ...installation, clientSecret: secret },
  }));
  await store.installations.applyEvent({ eventId: 'e2'.padEnd(32, '0'), installationId: installation.installationId, type: 'app.uninstalled', createdAt: now + 1 }, (cur) => ({
    kind: 'apply',
    installation: { ...cur!, state: 'uninstalled', uninstalledAt: now + 1 },
    outbox: [{ kind: 'ack_uninstall', installationId: installation.installationId, appId: installation.appId }],
  }));
  const calls: string[] = [];
  const tokens: InstallationTokens = { getAccessToken: async () => 'token', invalidate: async () => undefined };
  const worker = createOutboxWorker({ store, sealer, talkdesk: failingTalkdesk(calls), tokens, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, random: () => 0 });
  for (let round = 0; round < 3; round++) {
    assert.equal((await store.installations.get(installation.installationId))?.clientSecret, secret, 'kept while the acknowledgement may still succeed');
    await new Promise((r) => setTimeout(r, 5));
    await worker.runOnce();
  }
  assert.equal(calls.length, 3, 'three attempts');
  const after = await store.installations.get(installation.installationId);
  assert.equal(after?.state, 'uninstalled');
  assert.equal(after?.clientSecret, undefined, 'shredded after the last attempt');
  const outbox = await store.installations.listOutbox({ includeDone: true });
  assert.equal(outbox.find((i) => i.payload.kind === 'ack_uninstall')?.status, 'dead');
});
