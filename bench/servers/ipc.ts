import type { CallMessage, ReadyMessage, ReplyMessage } from '../lib/child.ts';

export interface Started {
  port: number;
  info?: Record<string, unknown>;
  handlers?: Record<string, (payload: unknown) => unknown>;
  close(): Promise<void>;
}

/** The child side: reads BENCH_CONFIG, starts the server, answers cpu/mem/stop and custom calls. */
export function serveChild<C>(start: (config: C) => Promise<Started>): void {
  const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as C;
  if (!process.send) throw new Error('bench servers run as forked children');
  start(config).then(
    (started) => {
      const reply = (m: ReplyMessage) => process.send!(m);
      process.on('message', async (raw: unknown) => {
        const m = raw as CallMessage;
        if (m.type === 'stop') {
          await started.close().catch(() => undefined);
          process.disconnect();
          // --cpu-prof writes its profile on a normal exit.
          process.exit(0);
        }
        try {
          let result: unknown;
          if (m.type === 'cpu') result = process.cpuUsage();
          else if (m.type === 'mem') {
            if (typeof globalThis.gc === 'function') globalThis.gc();
            result = process.memoryUsage();
          } else {
            const handler = started.handlers?.[m.type];
            if (!handler) throw new Error(`unknown call ${m.type}`);
            result = await handler(m.payload);
          }
          reply({ id: m.id, ok: true, result });
        } catch (error) {
          reply({ id: m.id, ok: false, error: (error as Error).message });
        }
      });
      process.send!({ ready: true, port: started.port, ...(started.info ? { info: started.info } : {}) } satisfies ReadyMessage);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
