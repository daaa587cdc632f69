import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUntilExit } from './app-process.ts';

/** Wrong store URLs or unreachable services stop the process at start with a clear line, never the password. */
const PASSWORD = 'n0t-th1s-pa55w0rd';
const cases: Array<{ name: string; env: Record<string, string>; says: RegExp }> = [
  { name: 'an unsupported scheme', env: { APPCONNECT_STORE_URL: `mysql://app:${PASSWORD}@127.0.0.1/app` }, says: /unsupported store URL scheme/ },
  { name: 'PostgreSQL on a closed port', env: { APPCONNECT_STORE_URL: `postgres://app:${PASSWORD}@127.0.0.1:1/app` }, says: /APPCONNECT_STORE_UNAVAILABLE|postgres/i },
  { name: 'Redis on a closed port', env: { APPCONNECT_STORE_URL: 'memory:', APPCONNECT_SESSIONS_URL: `redis://:${PASSWORD}@127.0.0.1:1` }, says: /APPCONNECT_STORE_UNAVAILABLE|redis/i },
  { name: 'a Redis URL as the main store', env: { APPCONNECT_STORE_URL: `redis://:${PASSWORD}@127.0.0.1:6379` }, says: /sessionsUrl|sessions/ },
];

test('bad store configuration: exit 1 at start with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconnect-start-'));
  try {
    const results = await Promise.all(cases.map((c) => runUntilExit({ ...c.env, PORT: '0', DATA_DIR: dir, APPCONNECT_SECRET_KEY: 'ab'.repeat(32) })));
    results.forEach((result, i) => {
      const { name, says } = cases[i]!;
      assert.equal(result.code, 1, `${name}: exit code`);
      assert.doesNotMatch(result.stdout, /Demo app: http/, `${name}: never listens`);
      assert.match(result.stderr, /Demo app: could not start/, `${name}: one clear line`);
      assert.match(result.stderr, says, `${name}: names the problem`);
      assert.ok(!result.stderr.includes(PASSWORD) && !result.stdout.includes(PASSWORD), `${name}: the password is never printed`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
