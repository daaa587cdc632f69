import { ErrorCode } from '../errors/index.ts';
import type { AppResponse } from '../http/types.ts';

const MESSAGES: Record<string, string> = {
  [ErrorCode.EventMethodNotAllowed]: 'Use POST.',
  [ErrorCode.EventUnsupportedMediaType]: 'Send application/json.',
  [ErrorCode.EventBodyTooLarge]: 'The body is too large.',
  [ErrorCode.EventMalformed]: 'The body is not valid JSON.',
  [ErrorCode.EventInvalid]: 'The event is not valid.',
  [ErrorCode.EventSignatureInvalid]: 'The event could not be authenticated.',
  [ErrorCode.EventUnverified]: 'The event could not be authenticated.',
  [ErrorCode.EventFetchBackMismatch]: 'The event could not be authenticated.',
  [ErrorCode.EventSignatureKeyUnavailable]: 'The event cannot be verified right now; retry later.',
  [ErrorCode.EventLinkNotAllowed]: 'The event is not valid.',
  [ErrorCode.EventWrongApp]: 'The event is for another app.',
  [ErrorCode.EventTooOld]: 'The event is outside the accepted time window.',
  [ErrorCode.EventUnknownInstallation]: 'The installation is not known yet; retry later.',
  [ErrorCode.EventNotDurable]: 'The event could not be stored; retry later.',
  [ErrorCode.InternalError]: 'Internal error; retry later.',
};

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A JSON response with a generic body and no caching (checklist W20). */
export function eventResponse(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function eventError(status: number, code: string, headers: Record<string, string> = {}): AppResponse {
  return eventResponse(status, { error: { code, message: MESSAGES[code] ?? 'The event was refused.' } }, headers);
}

export function eventAccepted(outcome: 'applied' | 'ignored' | 'duplicate'): AppResponse {
  return eventResponse(200, { ok: true, outcome });
}
