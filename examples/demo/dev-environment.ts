import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EmulatorControl, startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import type { Logger } from '../../src/index.ts';
import { createLogger } from '../../src/telemetry/index.ts';
import { freePort, startDemoApp, type DemoApp } from './app.ts';

/**
 * `appconnect dev`: the emulator and the demo app on SQLite, registered, seeded and installed, in one
 * call. The emulator runs under the host name `localhost` and the app under `127.0.0.1`, so cookies
 * cross sites as they do between Talkdesk and a partner app.
 */
export interface DevOptions {
  emulatorPort?: number;
  appPort?: number;
  dataDir?: string;
  /** Divides the emulator's event retry waits (default 60: 5 min -> 5 s). */
  timeScale?: number;
  logger?: Logger;
  log?: (line: string) => void;
}

export interface DevUser {
  user_id: string;
  name: string;
  email: string;
  licensed: boolean;
}

export interface DevSeed {
  app_id: string;
  account_id: string;
  account_name: string;
  installation_id: string;
  users: DevUser[];
}

export interface DevEnvironment {
  appManagerUrl: string;
  demoUrl: string;
  emulator: RunningEmulator;
  demo: DemoApp;
  control: EmulatorControl;
  seed: DevSeed;
  /** True when the data folder already held an installation that was reused. */
  reused: boolean;
  close(): Promise<void>;
}

/** A start-up problem with a plain-language way out (busy port, corrupt data folder). */
export class DevStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DevStartError';
  }
}

const SEED_USERS = [
  { name: 'Ada Lovelace', email: 'ada@starship.example', licensed: true },
  { name: 'Grace Hopper', email: 'grace@starship.example', licensed: true },
  { name: 'Alan Turing', email: 'alan@starship.example', licensed: false },
];

async function assertPortFree(port: number, host: string, flag: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new DevStartError(`Port ${port} is busy (${host}). Stop what uses it, or choose another port with ${flag} <port>.`)
          : err,
      ),
    );
    probe.listen(port, host, () => probe.close(() => ok()));
  });
}

function readSeed(file: string): DevSeed | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const seed = JSON.parse(readFileSync(file, 'utf8')) as DevSeed;
    if (typeof seed.installation_id !== 'string' || !Array.isArray(seed.users)) throw new Error('missing fields');
    return seed;
  } catch (err) {
    throw new DevStartError(`The data folder's ${file} is unreadable (${(err as Error).message}). Delete the data folder to start afresh, or choose another with --data <dir>.`, { cause: err });
  }
}

function writeSeed(file: string, seed: DevSeed): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(seed, null, 2));
  renameSync(`${file}.tmp`, file);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new DevStartError(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SQLite's own words for a damaged or foreign file. */
const CORRUPT = /SQLITE_(CORRUPT|NOTADB)|file is not a database|malformed|unsupported file format/i;

function corrupt(dataDir: string, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  if (!CORRUPT.test(detail) && !(typeof code === 'string' && CORRUPT.test(code))) return err instanceof Error ? err : new Error(detail);
  return new DevStartError(
    `The data folder ${dataDir} could not be opened (${detail}). It may be corrupt: delete it (rm -rf ${dataDir}) to start afresh, or choose another with --data <dir>.`,
    { cause: err },
  );
}

export async function startDevEnvironment(options: DevOptions = {}): Promise<DevEnvironment> {
  // Port 0 (tests) picks free ports up front: the app's URLs are registered before it starts.
  const emulatorPort = options.emulatorPort === 0 ? await freePort('127.0.0.1') : (options.emulatorPort ?? 4010);
  const appPort = options.appPort === 0 ? await freePort('127.0.0.1') : (options.appPort ?? 3000);
  const dataDir = resolve(options.dataDir ?? './data');
  const log = options.log ?? (() => undefined);
  await assertPortFree(emulatorPort, '127.0.0.1', '--port');
  await assertPortFree(appPort, '127.0.0.1', '--app-port');
  mkdirSync(dataDir, { recursive: true });

  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      port: emulatorPort,
      host: '127.0.0.1',
      publicOrigin: `http://localhost:${emulatorPort}`,
      dataDir: join(dataDir, 'emulator'),
      timeScale: options.timeScale ?? 60,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DevStartError(`Port ${emulatorPort} is busy. Choose another with --port <port>.`);
    throw corrupt(dataDir, err);
  }
  const control = new EmulatorControl(emulator.url);
  const seedFile = join(dataDir, 'dev-seed.json');
  let demo: DemoApp | undefined;
  try {
    const appUrl = `http://127.0.0.1:${appPort}`;
    let seed = readSeed(seedFile);
    let reused = false;
    if (seed) {
      const known = await control.getInstallation(seed.installation_id).catch(() => undefined);
      reused = known !== undefined && known.state !== 'uninstalled';
      if (!reused) seed = undefined;
    }
    const app = seed
      ? { app_id: seed.app_id }
      : await control.createApp({
          name: 'Demo partner app',
          events_url: `${appUrl}/appconnect/events`,
          standalone_url: `${appUrl}/appconnect/launch`,
          redirect_url: `${appUrl}/appconnect/callback`,
        });
    try {
      demo = await startDemoApp({
        port: appPort,
        host: '127.0.0.1',
        dataDir: join(dataDir, 'demo'),
        emulatorOrigin: emulator.url,
        appId: app.app_id,
        // Warnings and errors only, so the two URL lines stay readable.
        logger: options.logger ?? createLogger({ level: 'warn' }),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DevStartError(`Port ${appPort} is busy. Choose another with --app-port <port>.`);
      throw corrupt(join(dataDir, 'demo'), err);
    }
    if (!seed) {
      const account = await control.createAccount('starship');
      const users: DevUser[] = [];
      for (const u of SEED_USERS) {
        const { user_id } = await control.addUser(account.account_id, { name: u.name, email: u.email });
        users.push({ user_id, ...u });
      }
      const installed = await control.install({
        app_id: app.app_id,
        account_id: account.account_id,
        users: users.filter((u) => u.licensed).map((u) => u.user_id),
      });
      seed = { app_id: app.app_id, account_id: account.account_id, account_name: account.account_name, installation_id: installed.installation_id, users };
      writeSeed(seedFile, seed);
      log(`Installed the demo app in account ${account.account_name} (installation ${installed.installation_id}).`);
    }
    const installationId = seed.installation_id;
    await waitFor('the demo app to approve the installation', async () => {
      const info = await control.getInstallation(installationId);
      if (info.state === 'rejected') throw new DevStartError(`The demo app rejected the installation: ${info.state_reason ?? 'no reason given'}.`);
      return info.state === 'completed' ? info : undefined;
    });
    const running = demo;
    return {
      appManagerUrl: `${emulator.url}/`,
      demoUrl: `${demo.url}/`,
      emulator,
      demo,
      control,
      seed,
      reused,
      async close() {
        await running.close();
        await emulator.close();
      },
    };
  } catch (err) {
    await demo?.close().catch(() => undefined);
    await emulator.close().catch(() => undefined);
    throw err;
  }
}
