import { randomBytes } from 'node:crypto';
import { EmulatorControl, startEmulator, type DeliveryInfo, type RunningEmulator } from '../../src/emulator/index.ts';
import { freePort } from '../../examples/demo/app.ts';
import { Browser } from '../sso/browser.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';

/** The emulator (optionally behind a counting proxy as its public origin) and one registered app. */
export interface ScaleWorld {
  emulator: RunningEmulator;
  control: EmulatorControl;
  /** The origin the apps see (the proxy's when counting). */
  emulatorOrigin: string;
  proxy?: CountingProxy;
  appId: string;
  urls: AppUrls;
  close(): Promise<void>;
}

export interface AppUrls {
  /** Where the emulator delivers events. */
  events: string;
  /** Where launches and callbacks go. */
  login: string;
}

export async function startWorld(urls: AppUrls, options: { countTokens?: boolean } = {}): Promise<ScaleWorld> {
  const proxy = options.countTokens ? await startCountingProxy() : undefined;
  // Apps on 127.0.0.1, the emulator on `localhost`: cookies cross sites as between Talkdesk and a partner.
  const emulator = await startEmulator({ port: 0, timeScale: 600, ...(proxy ? { publicOrigin: `http://localhost:${proxy.port}` } : {}) });
  proxy?.target(emulator.port);
  const control = new EmulatorControl(emulator.url);
  const { app_id: appId } = await control.createApp({
    name: 'Scale test app',
    events_url: `${urls.events}/appconnect/events`,
    standalone_url: `${urls.login}/appconnect/launch`,
    redirect_url: `${urls.login}/appconnect/callback`,
  });
  return {
    emulator,
    control,
    emulatorOrigin: emulator.url,
    ...(proxy ? { proxy } : {}),
    appId,
    urls,
    async close() {
      await emulator.close();
      await proxy?.close();
    },
  };
}

export const ports = async (count: number): Promise<number[]> => {
  const found = new Set<number>();
  while (found.size < count) found.add(await freePort('127.0.0.1'));
  return [...found];
};

/** An account with `count` users, and the app installed there with every user licensed; waits for the approval. */
export async function installWithUsers(world: ScaleWorld, count: number): Promise<{ installationId: string; accountId: string; users: string[] }> {
  const { account_id: accountId } = await world.control.createAccount(`scale${randomBytes(3).toString('hex')}`);
  const users: string[] = [];
  for (let i = 0; i < count; i += 1) users.push((await world.control.addUser(accountId, { name: `User ${i}`, email: `user${i}@scale.example` })).user_id);
  const { installation_id: installationId } = await world.control.install({ app_id: world.appId, account_id: accountId, users });
  await waitUntil(async () => (await world.control.getInstallation(installationId)).state === 'completed', 'the installation to be approved', 15_000);
  // The app marks the installation active once the acknowledgement's answer is stored: its launch
  // URL then redirects to Talkdesk instead of showing "not approved yet".
  await waitUntil(async () => {
    const launch = await fetch(`${world.urls.login}/appconnect/launch?talkdesk_installation_id=${installationId}`, { redirect: 'manual' });
    await launch.arrayBuffer();
    return launch.status === 302 || launch.status === 303;
  }, 'the app to activate the installation');
  return { installationId, accountId, users };
}

export async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until every listed event was delivered with a 2xx (the app acknowledged it). */
export async function waitDelivered(world: ScaleWorld, installationId: string, eventIds: readonly string[], timeoutMs = 10_000): Promise<DeliveryInfo[]> {
  const wanted = new Set(eventIds);
  const list = await world.control.waitForDeliveries(
    (all) => {
      const mine = all.filter((d) => wanted.has(d.event_id));
      const failed = mine.find((d) => d.attempts.length > 0 && !d.attempts.at(-1)!.ok);
      if (failed) throw new Error(`event ${failed.type} was refused: ${failed.attempts.at(-1)!.status_code ?? failed.attempts.at(-1)!.error}`);
      return mine.length === wanted.size && mine.every((d) => d.status === 'delivered');
    },
    { installationId, timeoutMs },
  );
  return list.filter((d) => wanted.has(d.event_id));
}

/** A browser launched from Talkdesk into the app as `userId` (launch -> authorize -> callback). */
export async function signIn(world: ScaleWorld, installationId: string, userId: string): Promise<Browser> {
  const browser = new Browser();
  const result = await browser.navigate(world.control.launchUrl(installationId, userId));
  if (result.status !== 200) throw new Error(`sign-in ended with ${result.status} at ${result.url}`);
  return browser;
}

/** GET /me on one instance with the browser's cookies: the Talkdesk user id, or the refusal status. */
export async function whoAmI(browser: Browser, appUrl: string): Promise<{ status: number; userId?: string }> {
  const { response, body } = await browser.request(`${appUrl}/me`, { accept: 'application/json' });
  if (response.status !== 200) return { status: response.status };
  return { status: 200, userId: (JSON.parse(body) as { talkdesk_user_id: string }).talkdesk_user_id };
}
