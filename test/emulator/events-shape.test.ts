import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appConnectEventSchema, EVENT_TYPES, HEX24, HEX32, parseRfc3339, privateKeyFromBase64, publicKeyFromBase64 } from '../../src/protocol/index.ts';
import { Clock } from '../../src/emulator/clock.ts';
import { resolveConfig } from '../../src/emulator/config.ts';
import { EmulatorCore } from '../../src/emulator/core.ts';
import { openDatabase } from '../../src/emulator/db.ts';
import { enqueueEvent } from '../../src/emulator/delivery/event-factory.ts';
import { Faults } from '../../src/emulator/faults.ts';
import { EmulatorUrls } from '../../src/emulator/urls.ts';
import { documentedEvents } from '../fixtures/documented-events.ts';
import { world } from './helpers.ts';

/** Link keys each type carries (reference section 1.2 plus the emulator's `installation` on all). */
const LINKS: Record<string, string[]> = {
  'app.installed': ['authorization', 'installation', 'root', 'self', 'tokens', 'userinfo'],
  'user.logout': ['installation', 'root', 'self', 'user'],
};
const DATA_KEYS: Record<string, string[]> = {
  'app.installed': ['account_id', 'account_name', 'client_id', 'client_secret', 'installation_id', 'key_algorithm', 'key_id', 'private_key', 'public_key'],
  'app.credentials_rotated': ['account_id', 'account_name', 'client_id', 'client_secret', 'installation_id', 'key_algorithm', 'key_id', 'private_key', 'public_key'],
  'app.updated': ['account_id', 'account_name', 'installation_id', 'users'],
  'app.uninstalled': ['account_id', 'account_name', 'installation_id', 'reason'],
  'app.trial_started': ['account_id', 'expires_at', 'installation_id'],
  'app.trial_extended': ['account_id', 'expires_at', 'installation_id'],
  'app.trial_ended': ['account_id', 'ended_at', 'ended_by', 'ended_reason', 'expires_at', 'installation_id'],
  'user.logout': ['account_id', 'installation_id', 'user_email', 'user_id'],
};

test('every documented payload example validates against the event schemas', () => {
  for (const type of EVENT_TYPES) {
    const example = documentedEvents[type];
    if (example === undefined) continue; // app.trial_extended / app.credentials_rotated have no documented example
    const parsed = appConnectEventSchema.safeParse(example);
    assert.ok(parsed.success, type);
  }
});

test('each of the eight event types the emulator sends has its documented shape', async () => {
  const w = await world();
  try {
    const { installation_id, event_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId, key_algorithm: 'PS384' });
    await w.control.setLicenses(installation_id, { adding: [], removing: [w.userIds[1]!] });
    await w.control.trial(installation_id, 'start');
    await w.control.trial(installation_id, 'extend', { days: 10 });
    await w.control.rotateCredentials(installation_id);
    await w.control.trial(installation_id, 'end');
    await w.control.logout(w.userIds[0]!);
    await w.control.uninstall(installation_id);
    await w.receiver.waitFor((r) => r.length === 8);
    assert.deepEqual(new Set(w.receiver.received.map((r) => r.body.type)), new Set(EVENT_TYPES));
    assert.equal(w.receiver.received[0]!.body.id, event_id);
    for (const { body } of w.receiver.received) {
      const type = String(body.type);
      const parsed = appConnectEventSchema.safeParse(body);
      assert.ok(parsed.success, `${type}: ${parsed.success ? '' : parsed.error.message}`);
      assert.match(String(body.id), HEX32);
      assert.equal(body.app_id, w.appId);
      assert.equal(body.api_version, '1');
      assert.ok(parseRfc3339(String(body.created_at)) !== undefined);
      assert.equal(type === 'user.logout', body.app_version_id === undefined, `${type}: app_version_id presence`);
      const data = body.data as Record<string, unknown>;
      assert.deepEqual(Object.keys(data).sort(), DATA_KEYS[type], `${type} data keys`);
      assert.equal(data.installation_id, installation_id);
      assert.match(String(data.account_id), HEX24);
      const links = body._links as Record<string, { href: string }>;
      assert.deepEqual(Object.keys(links).sort(), LINKS[type] ?? ['installation', 'root', 'self'], `${type} link keys`);
      assert.equal(links.root!.href, w.emu.apiRoot);
      assert.equal(links.self!.href, `${w.emu.apiRoot}/apps/${w.appId}/events/${String(body.id)}`);
      assert.equal(links.installation!.href, `${w.emu.apiRoot}/apps/${w.appId}/installations/${installation_id}`);
      if (type === 'app.installed' || type === 'app.credentials_rotated') {
        assert.equal(data.key_algorithm, 'PS384');
        assert.match(String(data.client_id), HEX32);
        assert.match(String(data.key_id), HEX32);
        assert.doesNotThrow(() => privateKeyFromBase64(String(data.private_key)));
        assert.doesNotThrow(() => publicKeyFromBase64(String(data.public_key)));
      }
      if (type === 'app.installed') {
        assert.equal(links.authorization!.href, `${w.emu.url}/id/${w.accountName}/oauth/authorize`);
        assert.equal(links.tokens!.href, `${w.emu.url}/id/${w.accountName}/oauth/token`);
        assert.equal(links.userinfo!.href, `${w.emu.apiRoot}/users/me`);
      }
      if (type === 'user.logout') {
        assert.equal(data.user_id, w.userIds[0]);
        assert.equal(data.user_email, 'ada@example.com');
        assert.equal(links.user!.href, `${w.emu.apiRoot}/users/${w.userIds[0]}`);
      }
      if (type === 'app.updated') assert.deepEqual(data.users, { adding: [], removing: [w.userIds[1]] });
      if (type === 'app.trial_ended') assert.deepEqual([data.ended_reason, data.ended_by], ['trial_expired', 'system']);
    }
    const installed = w.receiver.ofType('app.installed')[0]!.body.data as Record<string, unknown>;
    const rotated = w.receiver.ofType('app.credentials_rotated')[0]!.body.data as Record<string, unknown>;
    assert.notEqual(installed.private_key, rotated.private_key, 'fresh key pair per rotation');
    assert.notEqual(installed.client_secret, rotated.client_secret);
  } finally {
    await w.close();
  }
});

test('an event that fails its schema is never stored', () => {
  const db = openDatabase(undefined);
  try {
    const core = new EmulatorCore(resolveConfig(), db, new Clock(), new EmulatorUrls('http://127.0.0.1:1'), new Faults());
    const valid = structuredClone(documentedEvents['user.logout']) as Record<string, unknown>;
    const invalid = { ...valid, id: 'not-hex' };
    assert.throws(() => core.tx(() => enqueueEvent(core, invalid)), /invalid user\.logout event/);
    assert.equal(core.events.list().length, 0);
    enqueueEvent(core, valid);
    assert.equal(core.events.list().length, 1);
  } finally {
    db.close();
  }
});
