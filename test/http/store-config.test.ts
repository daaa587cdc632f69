import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfiguredStore } from '../../src/config/open-store.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { isAppConnectError } from '../../src/errors/index.ts';

const base = { baseUrl: 'http://localhost:3000', supportContact: 'help@example.com' };

test('the store comes from the option, else APPCONNECT_STORE_URL, else SQLite in the data folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'appconnect-store-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const fromEnv = await openConfiguredStore({ ...base, dataDir: join(dir, 'unused') }, { APPCONNECT_STORE_URL: `sqlite:${join(dir, 'env.db')}` });
  await fromEnv.store.close();
  assert.ok(existsSync(join(dir, 'env.db')), 'APPCONNECT_STORE_URL was used');
  assert.equal(existsSync(join(dir, 'unused', 'appconnect.db')), false);

  const fromOption = await openConfiguredStore({ ...base, store: `sqlite:${join(dir, 'option.db')}` }, { APPCONNECT_STORE_URL: `sqlite:${join(dir, 'env2.db')}` });
  await fromOption.store.close();
  assert.ok(existsSync(join(dir, 'option.db')), 'the option wins over the environment');
  assert.equal(existsSync(join(dir, 'env2.db')), false);

  const byDefault = await openConfiguredStore({ ...base, dataDir: join(dir, 'data') }, {});
  await byDefault.store.close();
  assert.ok(existsSync(join(dir, 'data', 'appconnect.db')));
  assert.equal(byDefault.owned, true);

  const memory = await openConfiguredStore({ ...base, store: 'memory:' }, {});
  assert.equal(memory.ephemeral, true);
  const given = createMemoryStore();
  const passed = await openConfiguredStore({ ...base, store: given }, { APPCONNECT_STORE_URL: 'memory:' });
  assert.equal(passed.store, given);
  assert.equal(passed.owned, false, 'a Store passed in is not closed by the kit');
});

test('an unsupported store URL is a clear, typed error that never echoes a password', async () => {
  await assert.rejects(openConfiguredStore({ ...base }, { APPCONNECT_STORE_URL: 'mysql://root:hunter2@db/app' }), (err: unknown) => {
    assert.ok(isAppConnectError(err));
    assert.equal(err.code, 'APPCONNECT_STORE_URL_INVALID');
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});
