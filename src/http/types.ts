/**
 * Framework-free request and response shapes. The core handlers take an `AppRequest` and return an
 * `AppResponse`; the adapters (node:http, Express, Fastify, fetch) translate.
 */
export type HeaderValue = string | readonly string[] | undefined;

export interface AppRequest {
  method: string;
  /** Path and query as received, e.g. `/appconnect/launch?talkdesk_installation_id=...`. */
  url: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, HeaderValue>>;
  /** Raw body bytes (already size-capped by the adapter), when the route reads a body. */
  body?: Uint8Array;
  /** Peer address, for loopback checks and logs. */
  remoteAddress?: string;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Uint8Array;
}
