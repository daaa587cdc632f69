import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { apiError, ReplyError } from './reply.ts';

/** Reads the whole body, refusing (413) more than `max` bytes without buffering them. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > max) throw new ReplyError(apiError(413, 'payload_too_large', `request body exceeds ${max} bytes`));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) throw new ReplyError(apiError(413, 'payload_too_large', `request body exceeds ${max} bytes`));
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Form fields; a key sent more than once becomes an array. */
export function parseForm(body: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** JSON (or, for the App Manager's forms, form-encoded) body parsed with `schema`; 400/415 otherwise. */
export function parseInput<S extends z.ZodType>(req: IncomingMessage, body: Buffer, schema: S): z.infer<S> {
  const type = mediaType(req);
  let raw: unknown;
  if (body.length === 0 && type === '') raw = {};
  else if (type === 'application/json') {
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ReplyError(apiError(400, 'invalid_json', 'request body is not valid JSON'));
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    raw = parseForm(body);
  } else {
    throw new ReplyError(apiError(415, 'unsupported_media_type', 'send application/json'));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ name: i.path.join('.') || '(body)', description: i.message }));
    throw new ReplyError(apiError(400, 'invalid_request', 'request body is invalid', fields));
  }
  return parsed.data;
}
