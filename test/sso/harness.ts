import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startEmulator, EmulatorControl, type RunningEmulator, type KeyAlgorithmName } from '../../src/emulator/index.ts';
import { createAppConnect, type AppConnect, type AppConnectOptions } from '../../src/index.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import type { FailureRecord } from '../../src/stores/types.ts';
import { silentLogger } from '../../src/telemetry/index.ts';
import { Browser } from './browser.ts';
import { attachAdapter, type AdapterName } from './adapters.ts';

export interface AppUnderTest {
  kit: AppConnect;
  baseUrl: string;
  errors: FailureRecord[];
  close(): Promise<void>;
}

/** An app server on localhost:0 wired with the kit: the three AppConnect paths plus `/` and `/api/me` behind requireSession. */
export async function startApp(emulator: RunningEmulator, options: Partial<AppConnectOptions> = {}, adapter: AdapterName = 'node'): Promise<AppUnderTest> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://localhost:${port}`;
  const errors: FailureRecord[] = [];
  const kit = await createAppConnect({
    baseUrl,
    supportContact: 'support@partner.example',
    store: options.store ?? createMemoryStore(),
    secretKey: randomBytes(32).toString('hex'),
    hostPolicy: { extraOrigins: [emulator.url] },
    logger: silentLogger,
    onError: (failure) => void errors.push(failure),
    ...options,
  });
  await attachAdapter(adapter, kit, server);
  return {
    kit,
    baseUrl,
    errors,
    async close() {
      await kit.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface World {
  emulator: RunningEmulator;
  control: EmulatorControl;
  app: AppUnderTest;
  appId: string;
  accountId: string;
  users: string[];
  /** Another account of the same Talkdesk with `userCount` users (an app installs once per account). */
  newAccount(userCount?: number): Promise<{ accountId: string; users: string[] }>;
  close(): Promise<void>;
}

/** The emulator, an app registered with it and an account with `userCount` users. */
export async function startWorld(options: Partial<AppConnectOptions> = {}, userCount = 2, adapter: AdapterName = 'node'): Promise<World> {
  const emulator = await startEmulator({ port: 0 });
  const control = new EmulatorControl(emulator.url);
  const app = await startApp(emulator, options, adapter);
  const { app_id: appId } = await control.createApp({
    name: 'Partner app',
    events_url: `${app.baseUrl}/appconnect/events`,
    standalone_url: `${app.baseUrl}/appconnect/launch`,
    redirect_url: `${app.baseUrl}/appconnect/callback`,
  });
  async function newAccount(count = userCount) {
    const { account_id: accountId } = await control.createAccount(`acme${randomBytes(3).toString('hex')}`);
    const users: string[] = [];
    for (let i = 0; i < count; i += 1) {
      users.push((await control.addUser(accountId, { name: `User ${i}`, email: `user${i}@acme.example` })).user_id);
    }
    return { accountId, users };
  }
  const { accountId, users } = await newAccount();
  return {
    emulator, control, app, appId, accountId, users, newAccount,
    async close() {
      await app.close();
      await emulator.close();
    },
  };
}

/** Installs the app and waits until the kit has stored it and approved it. */
export async function install(world: World, options: { key_algorithm?: KeyAlgorithmName; users?: string[]; accountId?: string } = {}): Promise<string> {
  const { accountId = world.accountId, ...rest } = options;
  const { installation_id: installationId } = await world.control.install({ app_id: world.appId, account_id: accountId, ...rest });
  await waitFor(async () => (await world.app.kit.store.installations.get(installationId))?.state === 'active', `installation ${installationId} active`);
  return installationId;
}

export async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A browser launched by the emulator into the app as `userId`. */
export async function launchAs(world: World, installationId: string, userId: string, browser = new Browser()) {
  const result = await browser.navigate(world.control.launchUrl(installationId, userId));
  return { browser, ...result };
}
