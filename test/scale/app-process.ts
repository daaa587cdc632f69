import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../examples/demo/server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY = /^Demo app: (\S+)$/m;

/** One demo app process (examples/demo/server.ts), configured by its environment. */
export interface AppProcess {
  url: string;
  pid: number;
  /** stderr so far (the app logs warnings and errors there). */
  stderr(): string;
  /** SIGKILL: no clean-up, no flush; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (bounded); SIGKILL when it does not exit in time. Returns the exit code. */
  stop(): Promise<number | null>;
}

/** The demo server as a child process, with a minimal environment plus `env`. */
function spawnDemo(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts the process and waits (at most `timeoutMs`) for its `Demo app: <url>` line. */
export async function startAppProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<AppProcess> {
  const child = spawnDemo(env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo app did not start within ${timeoutMs} ms: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    const onData = () => {
      const match = READY.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`demo app exited (${code ?? signal}) before listening: ${stderr.slice(-2000)}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited(child);
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the process until it exits by itself (start-up errors), bounded by `timeoutMs`. */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnDemo(env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited(child);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
