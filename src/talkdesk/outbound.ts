import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { isAllowedTalkdeskUrl, type HostPolicy } from '../protocol/hosts.ts';
import { readCappedStream } from '../http/read-capped.ts';

/** Largest response body read from Talkdesk (token, userinfo, Apps API, events). */
export const MAX_RESPONSE_BYTES = 256 * 1024;

/** Throws APPCONNECT_OUTBOUND_URL_NOT_ALLOWED unless `href` may be called (checked before any request). */
export function assertAllowedUrl(href: string, policy: HostPolicy, purpose: string): URL {
  if (!isAllowedTalkdeskUrl(href, policy)) {
    throw new AppConnectError(ErrorCode.OutboundUrlNotAllowed, `refusing to call a non-Talkdesk URL (${purpose})`, {
      status: 502,
      details: { purpose },
    });
  }
  return new URL(href);
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** Reads at most MAX_RESPONSE_BYTES of the body as text; longer bodies are an error (never buffered whole). */
export async function readCappedText(response: Response): Promise<string> {
  const body = await readCappedStream(response.body, MAX_RESPONSE_BYTES);
  if (!body) throw new RangeError('response body too large');
  return Buffer.from(body).toString('utf8');
}

/** Parses a capped JSON body; returns undefined when it is not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await readCappedText(response);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The OAuth `error` code of an error body, when it looks like one (never the description). */
export function oauthErrorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'string' && /^[\x20-\x7e]{1,64}$/.test(error)) return error;
  }
  return undefined;
}
