import { InvalidArgumentError, type Command } from 'commander';
import { PortInUseError, startEmulator } from '../../emulator/index.ts';
import { stopOnSignals } from '../stop-on-signals.ts';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function origin(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('must be an http(s) origin such as http://localhost:4010');
}

/** `appconnect emulator`: runs the offline Talkdesk until SIGINT/SIGTERM. */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('run the offline Talkdesk emulator (Talkdesk ID, Apps API, Events API sender, App Manager)')
    .option('-p, --port <port>', 'port to listen on', integer('port', 0, 65535), 4010)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--data <dir>', 'folder for emulator.db (SQLite); in memory when absent')
    .option('--time-scale <n>', 'divide event retry waits by n (600: 5 min -> 0.5 s)', positiveNumber, 1)
    .option('--public-origin <url>', 'origin used in links, e.g. http://localhost:4010', origin)
    .option('--access-token-ttl <seconds>', 'access token lifetime', integer('access-token-ttl', 1, 86_400 * 30))
    .option('--verbose', 'log deliveries and actions')
    .action(async (opts: { port: number; host: string; data?: string; timeScale: number; publicOrigin?: string; accessTokenTtl?: number; verbose?: boolean }) => {
      let emulator;
      try {
        emulator = await startEmulator({
          port: opts.port,
          host: opts.host,
          dataDir: opts.data,
          timeScale: opts.timeScale,
          publicOrigin: opts.publicOrigin,
          accessTokenTtlSeconds: opts.accessTokenTtl,
          log: opts.verbose ? (line) => console.error(`[emulator] ${line}`) : undefined,
        });
      } catch (err) {
        if (err instanceof PortInUseError) console.error(`appconnect emulator: ${err.message}`);
        else console.error(`appconnect emulator: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
        return;
      }
      console.log(`Emulator: ${emulator.url}`);
      console.log(`API root: ${emulator.apiRoot}`);
      console.log(`State: ${opts.data ? opts.data : 'in memory'}${opts.timeScale !== 1 ? ` · time scale ${opts.timeScale}` : ''}`);
      const running = emulator;
      stopOnSignals(() => running.close());
    });
}
