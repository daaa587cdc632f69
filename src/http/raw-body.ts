import type { IncomingMessage } from 'node:http';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { readCappedStream } from './read-capped.ts';

export function bodyTooLarge(limit: number): AppConnectError {
  return new AppConnectError(ErrorCode.EventBodyTooLarge, `request body larger than ${limit} bytes`, { status: 413, details: { limit } });
}

/**
 * Reads a request body up to `limit` bytes. A Content-Length over the limit fails before reading; a
 * body that grows past it fails at once and stops reading (the caller answers 413 and closes the
 * connection), so an oversized body is never buffered.
 */
export function readRawBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit)) {
    return Promise.reject(bodyTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        settled = true;
        cleanup();
        request.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('request aborted'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/** Reads a fetch `Request` body up to `limit` bytes, cancelling the stream when it grows past it. */
export async function readFetchBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit)) throw bodyTooLarge(limit);
  const body = await readCappedStream(request.body, limit);
  if (!body) throw bodyTooLarge(limit);
  return body;
}
