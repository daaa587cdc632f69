// The demo partner app as a process, configured by the environment (one instance of several, or the
// app of a crash test). Run: node --import tsx examples/demo/server.ts
//   PORT (default 3000; 0 = any), HOST (127.0.0.1), PUBLIC_ORIGIN, DATA_DIR (./data/demo),
//   APPCONNECT_STORE_URL (sqlite:./data/app.db, postgres://...?schema=name, memory:),
//   APPCONNECT_SESSIONS_URL (redis://host:port[/db][?prefix=appconnect:], sessions beside the store),
//   APPCONNECT_SECRET_KEY (the same on every instance), EMULATOR_ORIGIN, APP_ID, ADMIN_TOKEN,
//   APPCONNECT_SESSION_CACHE_MS (in-process session cache; needs revocation fan-out), LOG_LEVEL.
import { z } from 'zod';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/stores/index.ts';
import { createLogger } from '../../src/telemetry/index.ts';
import { startDemoApp } from './app.ts';

const optional = z.string().trim().min(1).optional().catch(undefined);
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_ORIGIN: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data/demo'),
  APPCONNECT_STORE_URL: optional,
  APPCONNECT_SESSIONS_URL: optional,
  APPCONNECT_SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  EMULATOR_ORIGIN: z.url().optional(),
  APP_ID: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  ADMIN_TOKEN: optional,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
});

/**
 * The store of APPCONNECT_STORE_URL (+ APPCONNECT_SESSIONS_URL for sessions in Redis; its `?prefix=`
 * sets the key prefix), through the kit's `openStore`. Undefined when neither is set: the kit then
 * opens SQLite in DATA_DIR itself.
 */
async function openStoreFromEnv(storeUrl: string | undefined, sessionsUrl: string | undefined, dataDir: string): Promise<Store | undefined> {
  if (!storeUrl && !sessionsUrl) return undefined;
  const url = storeUrl ?? `sqlite:${join(dataDir, 'appconnect.db')}`;
  return openStore(sessionsUrl ? { url, sessionsUrl } : { url });
}

async function main(): Promise<void> {
  const parsedEnv = envSchema.safeParse(process.env);
  if (!parsedEnv.success) {
    const fields = parsedEnv.error.issues.map((issue) => issue.path.join('.')).join(', ');
    console.error(`Demo app: invalid environment (${fields}).`);
    process.exit(2);
  }
  const env = parsedEnv.data;
  const store = await openStoreFromEnv(env.APPCONNECT_STORE_URL, env.APPCONNECT_SESSIONS_URL, env.DATA_DIR);
  const demo = await startDemoApp({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    logger: createLogger({ level: env.LOG_LEVEL }),
    ...(env.PUBLIC_ORIGIN ? { publicOrigin: env.PUBLIC_ORIGIN } : {}),
    ...(env.EMULATOR_ORIGIN ? { emulatorOrigin: env.EMULATOR_ORIGIN } : {}),
    ...(env.APP_ID ? { appId: env.APP_ID } : {}),
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    kit: {
      ...(store ? { store } : {}),
      ...(env.APPCONNECT_SESSION_CACHE_MS !== undefined ? { sessions: { cacheTtlMs: env.APPCONNECT_SESSION_CACHE_MS } } : {}),
    },
  }).catch(async (error: unknown) => {
    await store?.close().catch(() => undefined);
    throw error;
  });
  console.log(`Demo app: ${demo.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void (async () => {
      await demo.close();
      await store?.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Demo app: error while stopping on ${signal}: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  console.error(`Demo app: could not start: ${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}`);
  process.exit(1);
});
