import { Agent, request } from 'undici';
import { MAX_RESPONSE_BYTES } from './outbound.ts';

/**
 * A `fetch` for the outbound calls of the kit, on undici's `request` (the same library as Node's
 * built-in fetch, without the WHATWG streams layer): about 0.7 ms less CPU per call here, which is two
 * calls per sign-in. It never follows redirects and answers a standard `Response`, so oauth4webapi and
 * the response readers work unchanged.
 */
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as [string, string][]);
  return { ...(headers as Record<string, string>) };
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('unsupported request body type for the outbound client');
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

export const undiciFetch: typeof fetch = async (input, init = {}) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const body = bodyOf(init.body);
  const response = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers: headerRecord(init.headers),
    ...(body !== undefined ? { body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
    dispatcher: agent,
  });
  // Capped like every response reader of the kit: a huge answer is cut off, never buffered whole.
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += (chunk as Buffer).length;
    if (total > MAX_RESPONSE_BYTES) {
      response.body.destroy();
      throw new RangeError('response body too large');
    }
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return new Response(NULL_BODY_STATUS.has(response.statusCode) ? null : bytes, { status: response.statusCode, headers });
};
