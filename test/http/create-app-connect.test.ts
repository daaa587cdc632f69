import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppConnect, ErrorCode, isAppConnectError } from '../../src/index.ts';
import { silentLogger } from '../../src/telemetry/index.ts';

test('an invalid configuration fails at start-up, before anything is opened or written', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'appconnect-')), 'data');
  await assert.rejects(
    createAppConnect({ baseUrl: 'http://app.example.com', supportContact: '', dataDir } as never),
    (error) => isAppConnectError(error) && error.code === ErrorCode.ConfigInvalid && /baseUrl/.test(error.message) && /supportContact/.test(error.message),
  );
  assert.equal(existsSync(dataDir), false);
});

test('defaults: SQLite and a 0600 secret key file in the data folder; close() releases them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'appconnect-'));
  const dataDir = join(root, 'data');
  const previous = process.env['APPCONNECT_SECRET_KEY'];
  delete process.env['APPCONNECT_SECRET_KEY'];
  try {
    const kit = await createAppConnect({ baseUrl: 'http://localhost:3000', supportContact: 'help@example.com', dataDir, logger: silentLogger, startOutboxWorker: false });
    assert.ok(existsSync(join(dataDir, 'appconnect.db')));
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    const response = await kit.handle({ method: 'GET', url: '/appconnect/launch?talkdesk_installation_id=0123456789abcdef0123456789abcdef', headers: {} });
    assert.equal(response?.status, 404);
    assert.equal(await kit.handle({ method: 'GET', url: '/elsewhere', headers: {} }), undefined);
    assert.equal((await kit.store.failures.list()).length, 1);
    await kit.close();
    await kit.close();
  } finally {
    if (previous !== undefined) process.env['APPCONNECT_SECRET_KEY'] = previous;
    rmSync(root, { recursive: true, force: true });
  }
});
