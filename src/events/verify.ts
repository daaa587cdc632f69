import { isDeepStrictEqual } from 'node:util';
import { AppConnectError, ErrorCode, isAppConnectError } from '../errors/index.ts';
import { isAllowedTalkdeskUrl, type HostPolicy } from '../protocol/hosts.ts';
import type { AppConnectEvent } from '../protocol/events.ts';
import { MAX_SIGNATURE_HEX, SIGNATURE_HEADER, SIGNATURE_ID_HEADER, SIGNATURE_KEY_ID, verifyEventBody } from '../protocol/signature.ts';
import type { InstallationRecord } from '../stores/types.ts';
import type { InstallationTokens } from '../talkdesk/token-cache.ts';
import type { TalkdeskClient } from '../talkdesk/types.ts';
import type { HeaderValue } from '../http/types.ts';
import type { SignatureKeySource } from './signature-keys.ts';

/** An event refused with a status and a stable code; `detail` is for logs only (never secrets). */
export class EventRejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly security = false,
  ) {
    super(detail);
  }
}

const single = (v: HeaderValue): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks the ECDSA signature over the raw bytes. Returns true when signed and valid, false when
 * unsigned and the policy allows it; throws EventRejection otherwise.
 */
export async function verifySignature(
  body: Uint8Array,
  headers: Readonly<Record<string, HeaderValue>>,
  mode: 'required' | 'if-present' | 'off',
  keys: SignatureKeySource,
): Promise<boolean> {
  if (mode === 'off') return false;
  const rawSig = headers[SIGNATURE_HEADER];
  const rawId = headers[SIGNATURE_ID_HEADER];
  if (rawSig === undefined && rawId === undefined) {
    if (mode === 'required') throw new EventRejection(401, ErrorCode.EventUnverified, 'signature required but absent', true);
    return false;
  }
  const sig = single(rawSig);
  const keyId = single(rawId);
  if (!sig || !keyId) throw new EventRejection(401, ErrorCode.EventSignatureInvalid, 'signature headers missing or repeated', true);
  if (!SIGNATURE_KEY_ID.test(keyId)) throw new EventRejection(401, ErrorCode.EventSignatureInvalid, 'signature key id has a bad shape', true);
  if (sig.length > MAX_SIGNATURE_HEX || !/^[0-9a-fA-F]+$/.test(sig)) {
    throw new EventRejection(401, ErrorCode.EventSignatureInvalid, 'signature has a bad shape', true);
  }
  let key;
  try {
    key = await keys.getKey(keyId);
  } catch (error) {
    if (isAppConnectError(error) && error.code === ErrorCode.EventSignatureKeyUnavailable) {
      throw new EventRejection(503, ErrorCode.EventSignatureKeyUnavailable, 'signature key unavailable');
    }
    throw error;
  }
  if (!key) throw new EventRejection(401, ErrorCode.EventSignatureInvalid, 'unknown signature key id', true);
  if (!verifyEventBody(body, sig, key)) throw new EventRejection(401, ErrorCode.EventSignatureInvalid, 'signature does not verify', true);
  return true;
}

/** Every `_links` href must be an allowed Talkdesk URL (checklist W17); unknown link names included. */
export function checkLinks(raw: Record<string, unknown>, policy: HostPolicy): void {
  const links = raw._links;
  if (!links || typeof links !== 'object' || Array.isArray(links)) {
    throw new EventRejection(400, ErrorCode.EventInvalid, '_links missing');
  }
  for (const [name, link] of Object.entries(links)) {
    const href = link && typeof link === 'object' ? (link as { href?: unknown }).href : undefined;
    if (typeof href !== 'string' || !isAllowedTalkdeskUrl(href, policy)) {
      throw new EventRejection(400, ErrorCode.EventLinkNotAllowed, `link "${name.slice(0, 32)}" is not an allowed Talkdesk URL`, true);
    }
  }
}

function fetchBackFailure(error: unknown, what: string): EventRejection {
  if (isAppConnectError(error)) {
    const status = error.details.httpStatus;
    if (error.code === ErrorCode.ClientAuthFailed || error.code === ErrorCode.TokenResponseInvalid) {
      return new EventRejection(401, ErrorCode.EventUnverified, `${what}: ${error.code}`, true);
    }
    if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return new EventRejection(401, ErrorCode.EventUnverified, `${what}: Talkdesk answered ${status}`, true);
    }
    return new EventRejection(503, ErrorCode.EventUnverified, `${what}: ${error.code}`);
  }
  return new EventRejection(503, ErrorCode.EventUnverified, `${what}: ${error instanceof Error ? error.name : 'error'}`);
}

/**
 * Fetch-back: GET `_links.self` with a client-credentials token and require the same event. For
 * app.installed the token comes from the event's own credentials at its own (allowlisted) tokens link;
 * otherwise from the stored installation.
 */
export async function fetchBack(
  event: AppConnectEvent,
  raw: unknown,
  installation: InstallationRecord | undefined,
  talkdesk: TalkdeskClient,
  tokens: InstallationTokens,
): Promise<void> {
  let token: string;
  try {
    if (event.type === 'app.installed') {
      const d = event.data;
      const set = await talkdesk.clientCredentials({
        clientId: d.client_id,
        clientSecret: d.client_secret,
        privateKey: d.private_key,
        keyId: d.key_id,
        keyAlgorithm: d.key_algorithm,
        tokensUrl: event._links.tokens.href,
      });
      token = set.accessToken;
    } else {
      if (!installation) throw new AppConnectError(ErrorCode.EventUnknownInstallation, 'unknown installation', { status: 409 });
      token = await tokens.getAccessToken(installation);
    }
  } catch (error) {
    if (isAppConnectError(error) && error.code === ErrorCode.EventUnknownInstallation) {
      throw new EventRejection(409, ErrorCode.EventUnknownInstallation, 'installation unknown; cannot fetch back');
    }
    throw fetchBackFailure(error, 'fetch-back token');
  }
  let fetched: unknown;
  try {
    fetched = await talkdesk.getEvent(event._links.self.href, token);
  } catch (error) {
    if (installation && isAppConnectError(error) && error.details.httpStatus === 401) await tokens.invalidate(installation.installationId);
    throw fetchBackFailure(error, 'fetch-back');
  }
  let same = false;
  try {
    same = isDeepStrictEqual(fetched, raw);
  } catch {
    same = false;
  }
  if (!same) throw new EventRejection(401, ErrorCode.EventFetchBackMismatch, 'fetched event differs from the received one', true);
}
