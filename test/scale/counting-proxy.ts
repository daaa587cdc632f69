import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of the emulator, used as its public origin: every link the apps follow
 * (token endpoint, Apps API, signature keys, authorize) goes through it, so the test can count the
 * client-credentials token requests the apps make. The emulator itself is left untouched.
 */
export interface CountingProxy {
  port: number;
  /** Client-credentials token requests forwarded so far. */
  clientCredentialsRequests(): number;
  /** Points the proxy at the emulator (known only once the emulator listens). */
  target(port: number): void;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCountingProxy(): Promise<CountingProxy> {
  let targetPort = 0;
  let clientCredentials = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const path = req.url ?? '/';
      if (req.method === 'POST' && /\/oauth\/token$/.test(path.split('?')[0]!) && new URLSearchParams(body.toString()).get('grant_type') === 'client_credentials') {
        clientCredentials += 1;
      }
      const upstream = request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(400);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clientCredentialsRequests: () => clientCredentials,
    target(port) {
      targetPort = port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
