import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The published shape: `npm run build` compiles src/ to JavaScript that plain Node runs (no tsx),
 * with the entries of package.json `exports` and the `appconnect` command.
 */
const root = join(import.meta.dirname, '../..');
const out = join(root, '.test-build');

test('the package builds to plain JavaScript with its three entries and the CLI', async (t) => {
  rmSync(out, { recursive: true, force: true });
  t.after(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
  for (const entry of ['index', 'testing/index', 'emulator/index']) {
    assert.ok(existsSync(join(out, `${entry}.js`)), `${entry}.js`);
    assert.ok(existsSync(join(out, `${entry}.d.ts`)), `${entry}.d.ts`);
  }
  // A child process without the tsx loader imports the built entries.
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `
    const kit = await import(${JSON.stringify(pathToFileURL(join(out, 'index.js')).href)});
    const emulator = await import(${JSON.stringify(pathToFileURL(join(out, 'emulator/index.js')).href)});
    const testing = await import(${JSON.stringify(pathToFileURL(join(out, 'testing/index.js')).href)});
    console.log(JSON.stringify([typeof kit.createAppConnect, typeof kit.openStore, typeof emulator.startEmulator, typeof testing.describeStoreContract]));
  `], { cwd: root, encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.deepEqual(JSON.parse(probe.stdout.trim()), ['function', 'function', 'function', 'function']);
  const help = spawnSync(process.execPath, [join(out, 'cli/main.js'), '--help'], { cwd: root, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /emulator/);
  assert.match(help.stdout, /\bdev\b/);
});
