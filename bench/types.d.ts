// Minimal typings of the untyped peers, for the benchmark only.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    token_endpoint_auth_signing_alg?: string;
    jwks?: { keys: Record<string, unknown>[] };
    backchannel_logout_uri?: string;
    backchannel_logout_session_required?: boolean;
    post_logout_redirect_uris?: string[];
  }
  export interface ProviderClient {
    backchannelLogout(sub: string, sid?: string): Promise<void>;
  }
  export interface ProviderGrant {
    jti: string;
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  export interface ProviderSession {
    accountId?: string;
    grantIdFor(clientId: string, value?: string): string | undefined;
  }
  export interface ProviderContext {
    oidc: {
      client: { clientId: string };
      session: ProviderSession;
      result?: { consent?: { grantId?: string } };
      provider: Provider;
    };
  }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    Client: { find(id: string): Promise<ProviderClient | undefined> };
    Grant: {
      new (init: { clientId: string; accountId: string }): ProviderGrant;
      find(id: string): Promise<ProviderGrant | undefined>;
    };
    proxy: boolean;
  }
}

declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
    total: number;
  }
  interface Result {
    requests: Histogram & { sent: number };
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  }
  interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
    timeout?: number;
    workers?: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
