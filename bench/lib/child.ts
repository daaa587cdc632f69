import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Messages between the load generator and a server child (see servers/ipc.ts). */
export interface CallMessage {
  id: number;
  type: string;
  payload?: unknown;
}
export interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
export interface ReadyMessage {
  ready: true;
  port: number;
  info?: Record<string, unknown>;
}

export interface ServerChild {
  port: number;
  url: string;
  info: Record<string, unknown>;
  pid: number;
  call<T = unknown>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** CPU time (user + system) used so far by the child, in microseconds. */
  cpuMicros(): Promise<number>;
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));

export interface StartOptions {
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles']. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

/** Forks `bench/servers/<name>.ts` with its config and waits for it to listen. */
export function startChild(name: string, config: unknown, options: StartOptions = {}): Promise<ServerChild> {
  const child: ChildProcess = fork(`${serversDir}${name}.ts`, [], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`${name} exited`));
    pending.clear();
    resolve();
  }));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in time`));
    }, options.startTimeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up (code ${code})`));
    });
    child.on('message', (raw: unknown) => {
      const message = raw as Partial<ReadyMessage & ReplyMessage>;
      if (message.ready) {
        clearTimeout(timer);
        const port = message.port!;
        const call = <T>(type: string, payload?: unknown, timeoutMs = 600_000): Promise<T> => {
          if (exited) return Promise.reject(new Error(`${name} is not running`));
          const id = nextId++;
          return new Promise<T>((ok, fail) => {
            const t = setTimeout(() => {
              pending.delete(id);
              fail(new Error(`${name}: ${type} timed out`));
            }, timeoutMs);
            pending.set(id, {
              resolve: (v) => {
                clearTimeout(t);
                ok(v as T);
              },
              reject: (e) => {
                clearTimeout(t);
                fail(e);
              },
            });
            child.send({ id, type, payload } satisfies CallMessage);
          });
        };
        resolve({
          port,
          url: `http://127.0.0.1:${port}`,
          info: message.info ?? {},
          pid: child.pid!,
          call,
          cpuMicros: async () => {
            const u = await call<{ user: number; system: number }>('cpu');
            return u.user + u.system;
          },
          rssBytes: async () => (await call<{ rss: number }>('mem')).rss,
          async stop() {
            if (exited) return;
            child.send({ id: 0, type: 'stop' } satisfies CallMessage);
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exitedPromise;
            clearTimeout(killer);
          },
        });
        return;
      }
      if (typeof message.id === 'number') {
        const p = pending.get(message.id);
        if (!p) return;
        pending.delete(message.id);
        if (message.ok) p.resolve(message.result);
        else p.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
      }
    });
  });
}
