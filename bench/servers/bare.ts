import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from './ipc.ts';

/** The limit: bare node:http answering what an authenticated page answers, checking nothing. */
serveChild<{ port: number }>(async (config) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end('hello aaaaaaaaaaaaaaaaaaaaaaaa');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
});
