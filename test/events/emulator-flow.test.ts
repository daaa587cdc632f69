import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKit, waitFor, type Kit } from './harness.ts';
import type { Store } from '../../src/stores/types.ts';

async function installed(kit: Kit, extra: { key_algorithm?: 'ES256' | 'PS384' } = {}) {
  const inst = await kit.control.install({ app_id: kit.appId, account_id: kit.accountId, ...extra });
  const rec = await waitFor(async () => {
    const r = await kit.store.installations.get(inst.installation_id);
    return r?.state === 'active' ? r : undefined;
  }, 'installation active');
  return { inst, rec };
}

test('app.installed arrives signed, is stored sealed, and is approved through the Apps API', async () => {
  const kit = await startKit();
  try {
    const { inst, rec } = await installed(kit);
    const event = await kit.control.event(inst.event_id);
    const data = event.body!.data as Record<string, string>;
    assert.equal(rec.clientId, inst.client_id);
    const dump = JSON.stringify(await kit.store.installations.list());
    assert.ok(!dump.includes(data.client_secret!), 'client secret stored in clear');
    assert.ok(!dump.includes(data.private_key!), 'private key stored in clear');
    const emuInst = await waitFor(async () => {
      const i = await kit.control.getInstallation(inst.installation_id);
      return i.state === 'completed' ? i : undefined;
    }, 'emulator completed');
    assert.equal(emuInst.state, 'completed');
    assert.deepEqual((await kit.store.installations.listLicensedUsers(inst.installation_id)).sort(), [...kit.users].sort());
    const deliveries = await kit.control.deliveries(inst.installation_id);
    assert.equal(deliveries.find((d) => d.event_id === inst.event_id)?.attempts[0]?.status_code, 200);
    assert.ok(!kit.logText().includes(data.client_secret!));
  } finally {
    await kit.close();
  }
});

test('duplicate and replayed deliveries change nothing and get 2xx', async () => {
  const kit = await startKit();
  try {
    const { inst } = await installed(kit);
    const before = JSON.stringify(await kit.store.installations.get(inst.installation_id));
    const outboxBefore = (await kit.store.installations.listOutbox({ includeDone: true })).length;
    await kit.control.redeliver(inst.event_id);
    const event = await kit.control.event(inst.event_id);
    const replay = await Promise.all([1, 2, 3].map(() => kit.control.sendEvent({ installation_id: inst.installation_id, body: event.body!, signature: 'valid' })));
    assert.deepEqual(replay.map((r) => r.status_code), [200, 200, 200]);
    await waitFor(async () => (await kit.control.event(inst.event_id)).attempts.length >= 2, 'redelivery');
    assert.equal(JSON.stringify(await kit.store.installations.get(inst.installation_id)), before);
    assert.equal((await kit.store.installations.listOutbox({ includeDone: true })).length, outboxBefore);
  } finally {
    await kit.close();
  }
});

test('forged events get 401/400/403 and change nothing', async () => {
  const kit = await startKit({ deps: {} });
  try {
    const { inst } = await installed(kit);
    const event = (await kit.control.event(inst.event_id)).body!;
    const snapshot = async () => JSON.stringify([await kit.store.installations.list(), await kit.store.installations.listOutbox({ includeDone: true })]);
    const before = await snapshot();
    const send = (body: unknown, signature: 'valid' | 'invalid' | 'none') =>
      kit.control.sendEvent({ installation_id: inst.installation_id, body: body as Record<string, unknown>, signature }).then((r) => r.status_code);
    const newer: Record<string, unknown> = { ...event, id: 'ab'.repeat(16), created_at: new Date().toISOString() };
    // bad signature
    assert.equal(await send(newer, 'invalid'), 401);
    // one byte changed after signing: the emulator signs the body it sends, so change a byte of the string form
    const text = JSON.stringify(newer);
    assert.equal(await kit.control.sendEvent({ installation_id: inst.installation_id, body: text.replace('"api_version":"1"', '"api_version":"2"'), signature: 'invalid' }).then((r) => r.status_code), 401);
    // unsigned forgery: fetch-back finds no such event
    assert.equal(await send({ ...newer, data: { ...(newer.data as object), client_id: 'attacker' } }, 'none'), 401);
    // link to an evil host, even with a valid signature
    const links = newer._links as Record<string, { href: string }>;
    assert.equal(await send({ ...newer, _links: { ...links, tokens: { href: 'https://starship.talkdeskid.com@evil.example/oauth/token' } } }, 'valid'), 400);
    assert.equal(await send({ ...newer, _links: { ...links, extra: { href: 'http://169.254.169.254/latest' } } }, 'valid'), 400);
    assert.equal(await snapshot(), before);
  } finally {
    await kit.close();
  }
});

test('unknown signature key id is refused without trusting the request', async () => {
  const kit = await startKit();
  try {
    const { inst } = await installed(kit);
    const body = JSON.stringify((await kit.control.event(inst.event_id)).body);
    for (const keyId of ['cd'.repeat(16), '../../x', 'https://evil.example/key']) {
      const res = await fetch(kit.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-ecdsa-signature': 'ab'.repeat(64), 'x-hub-ecdsa-signature-id': keyId }, body });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const json = (await res.json()) as { error: { code: string } };
      assert.equal(json.error.code, 'APPCONNECT_EVENT_SIGNATURE_INVALID');
    }
  } finally {
    await kit.close();
  }
});

test('wrong app id is refused when the kit knows its app', async () => {
  const kit = await startKit({ deps: { appId: 'ee'.repeat(16) } });
  try {
    const inst = await kit.control.install({ app_id: kit.appId, account_id: kit.accountId });
    const list = await kit.control.waitForDeliveries((d) => d.some((x) => x.event_id === inst.event_id && x.attempts.length > 0), { installationId: inst.installation_id });
    assert.equal(list.find((d) => d.event_id === inst.event_id)?.attempts[0]?.status_code, 403);
    assert.equal(await kit.store.installations.get(inst.installation_id), undefined);
  } finally {
    await kit.close();
  }
});

test('credentials rotation swaps the credentials and is acknowledged', async () => {
  const kit = await startKit();
  try {
    const { inst, rec } = await installed(kit);
    const rotated = await kit.control.rotateCredentials(inst.installation_id, { key_algorithm: 'PS384' });
    const next = await waitFor(async () => {
      const r = await kit.store.installations.get(inst.installation_id);
      return r && r.clientId === rotated.client_id ? r : undefined;
    }, 'rotation applied');
    assert.notEqual(next.clientSecret, rec.clientSecret);
    assert.equal(next.keyAlgorithm, 'PS384');
    await waitFor(async () => {
      const i = await kit.control.getInstallation(inst.installation_id);
      return i.credentials.find((c) => c.client_id === rotated.client_id)?.acknowledged;
    }, 'credentials acknowledged');
  } finally {
    await kit.close();
  }
});

test('user.logout ends every session of that user in that installation only; uninstall ends all, is acknowledged, and shreds secrets', async () => {
  const kit = await startKit();
  try {
    const { inst } = await installed(kit);
    const [ann, bob] = kit.users as [string, string];
    const now = Date.now();
    const session = (idHash: string, userId: string) => ({
      idHash, installationId: inst.installation_id, accountId: kit.accountId, userId, appUserId: userId,
      createdAt: now, lastSeenAt: now, idleExpiresAt: now + 3_600_000, absoluteExpiresAt: now + 7_200_000,
    });
    for (const [h, u] of [['a1', ann], ['a2', ann], ['b1', bob]] as const) assert.equal(await kit.store.sessions.create(session(h, u), now - 1000), 'created');
    await kit.control.logout(ann);
    await waitFor(async () => (await kit.store.sessions.listByUser(inst.installation_id, ann)).length === 0, 'ann signed out');
    assert.equal((await kit.store.sessions.listByUser(inst.installation_id, bob)).length, 1);
    // a login that began before the logout never yields a session
    assert.equal(await kit.store.sessions.create(session('a3', ann), now - 500), 'logged_out');

    await kit.control.uninstall(inst.installation_id);
    // The worker acknowledges the uninstall with the installation's credentials, then shreds them.
    const tomb = await waitFor(async () => {
      const r = await kit.store.installations.get(inst.installation_id);
      return r?.state === 'uninstalled' && r.clientSecret === undefined ? r : undefined;
    }, 'uninstalled and shredded');
    assert.equal((await kit.control.getInstallation(inst.installation_id)).uninstall_acknowledged, true, 'Talkdesk saw the acknowledgement');
    assert.equal(tomb.clientSecret, undefined);
    assert.equal(tomb.privateKey, undefined);
    assert.equal((await kit.store.sessions.listByInstallation(inst.installation_id)).length, 0);
    // the old install replayed after the uninstall does not resurrect it
    await kit.control.redeliver(inst.event_id);
    await waitFor(async () => (await kit.control.event(inst.event_id)).attempts.length >= 2, 'replay delivered');
    assert.equal((await kit.store.installations.get(inst.installation_id))?.state, 'uninstalled');
  } finally {
    await kit.close();
  }
});

test('out-of-order delivery: rotation and uninstall released in reverse order end uninstalled', async () => {
  const kit = await startKit();
  try {
    const { inst } = await installed(kit);
    await kit.control.pauseDeliveries(inst.installation_id);
    await kit.control.rotateCredentials(inst.installation_id);
    await new Promise((r) => setTimeout(r, 5));
    await kit.control.uninstall(inst.installation_id);
    await kit.control.releaseDeliveries({ installation_id: inst.installation_id, order: 'reverse' });
    await kit.control.waitForDeliveries((d) => d.every((x) => x.status === 'delivered' || x.status === 'failed'), { installationId: inst.installation_id });
    // The uninstall wins whatever the order; the secrets go once the worker acknowledged it.
    const rec = await waitFor(async () => {
      const r = await kit.store.installations.get(inst.installation_id);
      return r?.clientSecret === undefined ? r : undefined;
    }, 'secrets shredded');
    assert.equal(rec.state, 'uninstalled');
  } finally {
    await kit.close();
  }
});

test('a crash between receipt and commit gives non-2xx; the redelivery is applied exactly once', async () => {
  let failures = 1;
  const kit = await startKit({
    store: (base: Store) => ({
      ...base,
      installations: {
        ...base.installations,
        applyEvent: async (...args: Parameters<Store['installations']['applyEvent']>) => {
          if (failures > 0) {
            failures--;
            throw new Error('disk full');
          }
          return base.installations.applyEvent(...args);
        },
        get: base.installations.get.bind(base.installations),
      },
      sessions: base.sessions,
      tokens: base.tokens,
    }),
  });
  try {
    const inst = await kit.control.install({ app_id: kit.appId, account_id: kit.accountId });
    const list = await kit.control.waitForDeliveries((d) => d.some((x) => x.event_id === inst.event_id && x.status === 'delivered'), { installationId: inst.installation_id, timeoutMs: 8000 });
    const attempts = list.find((d) => d.event_id === inst.event_id)!.attempts.map((a) => a.status_code);
    assert.deepEqual(attempts, [503, 200]);
    await waitFor(async () => (await kit.store.installations.get(inst.installation_id))?.state === 'active', 'active');
    const acks = (await kit.store.installations.listOutbox({ includeDone: true })).filter((i) => i.payload.kind === 'ack_installation');
    assert.equal(acks.length, 1);
  } finally {
    await kit.close();
  }
});
