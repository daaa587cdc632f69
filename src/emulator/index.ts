import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from './clock.ts';
import { resolveConfig, type EmulatorOptions } from './config.ts';
import { EmulatorCore } from './core.ts';
import { openDatabase } from './db.ts';
import { DeliveryScheduler } from './delivery/scheduler.ts';
import { Faults } from './faults.ts';
import { buildRouter, requestHandler } from './server.ts';
import { EmulatorUrls } from './urls.ts';

export type { EmulatorOptions } from './config.ts';
export { EmulatorControl, EmulatorControlError } from './control-client.ts';
export type * from './control-client.ts';

export interface RunningEmulator {
  /** Public origin, e.g. `http://localhost:4010` (no trailing slash). */
  url: string;
  /** `${url}/api`: the API root put in every event's `_links.root`. */
  apiRoot: string;
  /** The port actually bound. */
  port: number;
  /** Talkdesk ID URLs of an account. */
  authorizeUrl(accountName: string): string;
  tokenUrl(accountName: string): string;
  /** Stops deliveries, closes the server and the database. */
  close(): Promise<void>;
}

/** Thrown when the port is taken. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(readonly port: number, readonly host: string) {
    super(`port ${port} on ${host} is already in use; choose another with --port`);
    this.name = 'PortInUseError';
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, host) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the offline Talkdesk: Talkdesk ID, Apps API, Events API sender, App Manager and control API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = resolveConfig(options);
  const db = openDatabase(config.dataDir);
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 });
  server.keepAliveTimeout = 5_000;
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    db.close();
    throw err;
  }
  const urls = new EmulatorUrls(config.publicOrigin ?? `http://${urlHost(config.host)}:${port}`);
  const core = new EmulatorCore(config, db, new Clock(), urls, new Faults());
  core.keys.active('events', core.clock.now());
  core.keys.active('id_token', core.clock.now());
  const scheduler = new DeliveryScheduler(core);
  server.on('request', requestHandler(core, buildRouter(core)));
  scheduler.kick();
  config.log(`emulator listening on ${urls.origin}`);

  let closing: Promise<void> | undefined;
  return {
    url: urls.origin,
    apiRoot: urls.apiRoot,
    port,
    authorizeUrl: (name) => urls.authorize(name),
    tokenUrl: (name) => urls.token(name),
    close: () =>
      (closing ??= (async () => {
        await scheduler.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        db.close();
      })()),
  };
}
