import { Agent, request as httpRequest } from 'node:http';
import { CookieJar } from './cookie-jar.ts';

/** One keep-alive agent for the whole load generator (loopback only). */
export const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

export interface Reply {
  status: number;
  location?: string;
  body: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  jar?: CookieJar;
  timeoutMs?: number;
}

function assertLoopback(url: URL): void {
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error(`bench refuses non-loopback URL ${url.origin}`);
}

/** One HTTP request over loopback, with cookies from and into `jar`. */
export function send(href: string, options: SendOptions = {}): Promise<Reply> {
  const url = new URL(href);
  assertLoopback(url);
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.jar?.header(url.host);
  if (cookie) headers.cookie = cookie;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers, agent },
      (res) => {
        options.jar?.store(url.host, res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, ...(location ? { location: new URL(location, url).href } : {}), body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`timeout ${url.pathname}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Follows redirects (GET) from `href` until a non-redirect answer; returns it and the number of hops. */
export async function follow(href: string, jar: CookieJar, maxHops = 12): Promise<Reply & { hops: number; url: string }> {
  let url = href;
  for (let hops = 0; hops <= maxHops; hops++) {
    const reply = await send(url, { jar, headers: { accept: 'text/html' } });
    if (reply.status >= 300 && reply.status < 400 && reply.location) {
      url = reply.location;
      continue;
    }
    return { ...reply, hops, url };
  }
  throw new Error(`too many redirects from ${href}`);
}
