import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSigningPublicKey, SIGNATURE_HEADER, SIGNATURE_ID_HEADER, verifyEventBody } from '../../src/protocol/index.ts';
import { EmulatorControl, startEmulator } from '../../src/emulator/index.ts';
import { Receiver, world, type Received } from './helpers.ts';

async function signatureValid(apiRoot: string, r: Received): Promise<boolean> {
  const keyId = String(r.headers[SIGNATURE_ID_HEADER]);
  const res = await fetch(`${apiRoot}/events/signature-keys/${keyId}`);
  const key = (await res.json()) as { id: string; public_key: string };
  assert.equal(key.id, keyId);
  return verifyEventBody(Buffer.from(r.raw, 'utf8'), String(r.headers[SIGNATURE_HEADER]), decodeSigningPublicKey(key.public_key));
}

test('a receiver that fails twice gets the event on the third attempt, same id, valid signature', async () => {
  const w = await world({ timeScale: 600 });
  try {
    w.receiver.statuses = [500, 503];
    const { event_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId });
    await w.receiver.waitFor((r) => r.length === 3, 8000);
    assert.deepEqual(w.receiver.received.map((r) => r.body.id), [event_id, event_id, event_id]);
    assert.equal(new Set(w.receiver.received.map((r) => r.raw)).size, 1, 'the same bytes each time');
    for (const r of w.receiver.received) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.ok(await signatureValid(w.emu.apiRoot, r));
    }
    const [d] = await w.control.waitForDeliveries((list) => list[0]?.status === 'delivered');
    assert.deepEqual(d!.attempts.map((a) => [a.status_code, a.ok]), [[500, false], [503, false], [200, true]]);
    const gap1 = Date.parse(d!.attempts[1]!.at!) - Date.parse(d!.attempts[0]!.at!);
    const gap2 = Date.parse(d!.attempts[2]!.at!) - Date.parse(d!.attempts[1]!.at!);
    assert.ok(gap1 >= 450, `+5 min / 600 = 500 ms, got ${gap1}`);
    assert.ok(gap2 >= 950, `+10 min / 600 = 1000 ms, got ${gap2}`);

    // A tampered body no longer matches its signature; the key survives a signing-key rotation.
    const tampered = { ...w.receiver.received[0]!, raw: w.receiver.received[0]!.raw.replace('"1"', '"2"') };
    assert.equal(await signatureValid(w.emu.apiRoot, tampered), false);
    const oldKeyId = String(w.receiver.received[0]!.headers[SIGNATURE_ID_HEADER]);
    const { key_id } = await w.control.rotateSigningKey();
    assert.notEqual(key_id, oldKeyId);
    assert.equal((await fetch(`${w.emu.apiRoot}/events/signature-keys/${oldKeyId}`)).status, 200);
    await w.control.redeliver(event_id);
    await w.receiver.waitFor((r) => r.length === 4);
    assert.equal(w.receiver.received[3]!.headers[SIGNATURE_ID_HEADER], key_id);
    assert.ok(await signatureValid(w.emu.apiRoot, w.receiver.received[3]!));
  } finally {
    await w.close();
  }
});

test('three failures mark the delivery failed; every attempt is recorded', async () => {
  const w = await world({ timeScale: 6000 });
  try {
    w.receiver.statuses = [500, 500, 500];
    await w.control.install({ app_id: w.appId, account_id: w.accountId });
    const [d] = await w.control.waitForDeliveries((list) => list[0]?.status === 'failed');
    assert.equal(d!.attempts.length, 3);
    assert.ok(d!.attempts.every((a) => !a.ok && a.status_code === 500 && a.duration_ms >= 0));
    assert.equal(d!.last_status, 'HTTP 500');
  } finally {
    await w.close();
  }
});

test('the outbox survives a restart: queued while the receiver is down, delivered after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-'));
  const receiver = await new Receiver().start();
  const port = receiver.port;
  await receiver.close();
  try {
    const first = await startEmulator({ dataDir: dir, timeScale: 600 });
    const control = new EmulatorControl(first.url);
    const app = await control.createApp({ name: 'a', events_url: receiver.url, standalone_url: 'http://127.0.0.1:9/s', redirect_url: 'http://127.0.0.1:9/cb' });
    const account = await control.createAccount('restart');
    await control.addUser(account.account_id, { name: 'A', email: 'a@example.com' });
    const { event_id, installation_id } = await control.install({ app_id: app.app_id, account_id: account.account_id });
    await control.waitForDeliveries((l) => (l[0]?.attempts.length ?? 0) >= 1);
    await first.close();

    const back = await new Receiver().start(port);
    try {
      const second = await startEmulator({ dataDir: dir, timeScale: 600 });
      try {
        await back.waitFor((r) => r.some((x) => x.body.id === event_id), 5000);
        const control2 = new EmulatorControl(second.url);
        const [d] = await control2.waitForDeliveries((l) => l[0]?.status === 'delivered');
        assert.equal(d!.event_id, event_id);
        assert.ok(d!.attempts.length >= 2);
        assert.equal((await control2.getInstallation(installation_id)).state, 'pending');
      } finally {
        await second.close();
      }
    } finally {
      await back.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('events of one installation go out in creation order; pause and release in reverse order', async () => {
  const w = await world();
  try {
    const { installation_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId });
    await w.control.setLicenses(installation_id, { removing: [w.userIds[1]!] });
    await w.control.rotateCredentials(installation_id);
    await w.receiver.waitFor((r) => r.length === 3);
    assert.deepEqual(w.receiver.received.map((r) => r.body.type), ['app.installed', 'app.updated', 'app.credentials_rotated']);

    await w.control.pauseDeliveries(installation_id);
    await w.control.trial(installation_id, 'start');
    await w.control.trial(installation_id, 'extend');
    await w.control.trial(installation_id, 'end');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(w.receiver.received.length, 3, 'held while paused');
    const held = await w.control.deliveries(installation_id);
    assert.equal(held.filter((d) => d.status === 'held').length, 3);
    await w.control.releaseDeliveries({ installation_id, order: 'reverse' });
    await w.receiver.waitFor((r) => r.length === 6);
    assert.deepEqual(w.receiver.received.slice(3).map((r) => r.body.type), ['app.trial_ended', 'app.trial_extended', 'app.trial_started']);
  } finally {
    await w.close();
  }
});

test('an events fault fails attempts without sending; a hand-made body can be sent', async () => {
  const w = await world({ timeScale: 6000 });
  try {
    await w.control.setFault({ endpoint: 'events', status: 502, times: 1 });
    const { installation_id, event_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId });
    await w.receiver.waitFor((r) => r.length === 1);
    const [d] = await w.control.waitForDeliveries((l) => l[0]?.status === 'delivered');
    assert.deepEqual(d!.attempts.map((a) => a.status_code), [502, 200]);
    assert.equal(w.receiver.received[0]!.body.id, event_id);

    const sent = await w.control.sendEvent({ installation_id, body: '{"forged":true}', signature: 'invalid' });
    assert.equal(sent.ok, true);
    const forged = w.receiver.received[1]!;
    assert.equal(forged.raw, '{"forged":true}');
    assert.equal(await signatureValid(w.emu.apiRoot, forged), false);
  } finally {
    await w.close();
  }
});
