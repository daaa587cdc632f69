import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevStartError, startDevEnvironment } from '../../examples/demo/dev-environment.ts';
import { freePort } from '../../examples/demo/app.ts';
import { silentLogger } from '../../src/telemetry/index.ts';

const BIN = join(import.meta.dirname, '../../bin/appconnect.mjs');

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'appconnect-dev-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('`appconnect dev` prints the App Manager and demo URLs, serves both, and stops cleanly on SIGINT', async (t) => {
  const data = tempDir(t);
  const [port, appPort] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
  const child = spawn(process.execPath, [BIN, 'dev', '--port', String(port), '--app-port', String(appPort), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Demo app: /.test(out)) {
    assert.ok(Date.now() < deadline, `no URLs printed: ${out}`);
    assert.equal(child.exitCode, null, `exited early: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(out, new RegExp(`^App Manager: http://localhost:${port}/$`, 'm'));
  assert.match(out, new RegExp(`^Demo app: http://127\\.0\\.0\\.1:${appPort}/$`, 'm'));
  const manager = await fetch(`http://localhost:${port}/`);
  assert.equal(manager.status, 200);
  assert.match(await manager.text(), /Launch as Ada Lovelace/);
  const home = await fetch(`http://127.0.0.1:${appPort}/`);
  assert.match(await home.text(), /Signed out/);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});

test('a second start on the same data folder reuses the installation', async (t) => {
  const dataDir = tempDir(t);
  const first = await startDevEnvironment({ emulatorPort: 0, appPort: 0, dataDir, logger: silentLogger });
  const { installation_id } = first.seed;
  assert.equal(first.reused, false);
  await first.close();
  const second = await startDevEnvironment({ emulatorPort: 0, appPort: 0, dataDir, logger: silentLogger });
  t.after(() => second.close());
  assert.equal(second.reused, true);
  assert.equal(second.seed.installation_id, installation_id);
  assert.equal((await second.control.listInstallations()).length, 1, 'nothing installed twice');
});

test('a busy port is named, with the option to choose another', async (t) => {
  const dataDir = tempDir(t);
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  t.after(() => blocker.close());
  const busy = (blocker.address() as { port: number }).port;
  await assert.rejects(startDevEnvironment({ emulatorPort: busy, appPort: 0, dataDir, logger: silentLogger }), (err: Error) => {
    assert.ok(err instanceof DevStartError);
    assert.match(err.message, new RegExp(`Port ${busy} is busy`));
    assert.match(err.message, /--port/);
    return true;
  });
  await assert.rejects(startDevEnvironment({ emulatorPort: 0, appPort: busy, dataDir, logger: silentLogger }), /--app-port/);
});

test('a corrupt data folder gives a clear message and a way out', async (t) => {
  const dataDir = tempDir(t);
  mkdirSync(join(dataDir, 'emulator'), { recursive: true });
  writeFileSync(join(dataDir, 'emulator', 'emulator.db'), 'this is not a database'.repeat(100));
  await assert.rejects(startDevEnvironment({ emulatorPort: 0, appPort: 0, dataDir, logger: silentLogger }), (err: Error) => {
    assert.ok(err instanceof DevStartError, String(err));
    assert.match(err.message, /corrupt/);
    assert.match(err.message, /--data/);
    return true;
  });
  const seedOnly = tempDir(t);
  writeFileSync(join(seedOnly, 'dev-seed.json'), '{not json');
  await assert.rejects(startDevEnvironment({ emulatorPort: 0, appPort: 0, dataDir: seedOnly, logger: silentLogger }), /unreadable.*--data/s);
});
