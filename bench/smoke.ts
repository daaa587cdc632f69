import { startOidcWorld, startEmulatorWorld } from './lib/worlds.ts';
import { jarsFor, runLogins, warmLogins, type LoginLoad } from './lib/login-load.ts';

const world = await startOidcWorld({ peers: ['ours', 'eoc', 'lean'] });
try {
  for (const [name, child, start] of [
    ['ours', world.ours!, () => world.launchUrl],
    ['eoc', world.eoc!, () => `${world.eoc!.url}/login`],
    ['lean', world.lean!, () => `${world.lean!.url}/login`],
  ] as const) {
    const load: LoginLoad = { startUrl: start, rpHost: new URL(child.url).host, rp: child, concurrency: 20, durationMs: 2000 };
    const jars = jarsFor(20);
    await warmLogins(load, jars);
    console.log(name, await runLogins(load, jars));
  }
} finally {
  await world.stop();
}
const emu = await startEmulatorWorld(20);
try {
  const load: LoginLoad = { startUrl: (vu) => emu.control.launchUrl(emu.installationId, emu.userIds[vu]!), rpHost: new URL(emu.ours.url).host, rp: emu.ours, concurrency: 20, durationMs: 2000 };
  const jars = jarsFor(20);
  await warmLogins(load, jars);
  console.log('ours-emulator', await runLogins(load, jars));
} finally {
  await emu.stop();
}
