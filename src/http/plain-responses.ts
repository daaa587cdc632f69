import { securityHeaders } from './security-headers.ts';
import type { AppResponse } from './types.ts';

/** A small JSON response with the kit's headers (webhook-side errors: no page, no details). */
export function jsonResponse(status: number, body: Record<string, unknown>, frameAncestors: readonly string[] = ["'none'"]): AppResponse {
  return {
    status,
    headers: { ...securityHeaders(frameAncestors), 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}
