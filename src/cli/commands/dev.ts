import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { stopOnSignals } from '../stop-on-signals.ts';

/** The shape of examples/demo/dev-environment.ts, imported at run time (the demo is not part of the built library). */
interface DevModule {
  startDevEnvironment(options: { emulatorPort: number; appPort: number; dataDir: string; log: (line: string) => void }): Promise<{
    appManagerUrl: string;
    demoUrl: string;
    reused: boolean;
    seed: { account_name: string; users: Array<{ name: string; licensed: boolean }> };
    close(): Promise<void>;
  }>;
  DevStartError: new (...args: never[]) => Error;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number 1..65535');
  return n;
}

/** The demo is TypeScript: from the built CLI (plain node), load it through tsx, present in a clone. */
async function importDemo(modulePath: string): Promise<DevModule> {
  const url = pathToFileURL(modulePath).href;
  try {
    return (await import(url)) as DevModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const { register } = await import('tsx/esm/api');
    register();
    // A fresh URL: the failed load above stays cached under the plain one.
    return (await import(`${url}?tsx`)) as DevModule;
  }
}

/** `appconnect dev`: the emulator and the demo partner app, seeded and installed, in one command. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the emulator and the demo partner app on SQLite, installed and ready to launch')
    .option('-p, --port <port>', 'emulator port (App Manager)', port, 4010)
    .option('--app-port <port>', 'demo app port', port, 3000)
    .option('--data <dir>', 'data folder (SQLite databases, secret key, seed)', './data')
    .action(async (opts: { port: number; appPort: number; data: string }) => {
      const modulePath = fileURLToPath(new URL('../../../examples/demo/dev-environment.ts', import.meta.url));
      if (!existsSync(modulePath)) {
        console.error('appconnect dev: the demo app (examples/demo) is not in this installation; run it from a clone of the repository.');
        process.exitCode = 1;
        return;
      }
      const dev = await importDemo(modulePath);
      const started = Date.now();
      let env;
      try {
        env = await dev.startDevEnvironment({ emulatorPort: opts.port, appPort: opts.appPort, dataDir: opts.data, log: (line) => console.log(line) });
      } catch (err) {
        console.error(`appconnect dev: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
        return;
      }
      const users = env.seed.users.map((u) => `${u.name}${u.licensed ? '' : ' (no licence)'}`).join(', ');
      console.log(`${env.reused ? 'Reusing' : 'Created'} account ${env.seed.account_name} with ${users}; ready in ${Date.now() - started} ms.`);
      console.log(`App Manager: ${env.appManagerUrl}`);
      console.log(`Demo app: ${env.demoUrl}`);
      console.log('Open the App Manager and click "Launch" next to a user. Ctrl-C stops both.');
      const running = env;
      stopOnSignals(() => running.close());
    });
}
