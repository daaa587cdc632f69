/**
 * Typed client of the emulator's control API (`{url}/emulator/api/...`), for tests, `appconnect dev`
 * and the checker. Plain fetch; every non-2xx answer throws `EmulatorControlError`.
 */

export type KeyAlgorithmName = 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512';
export type FaultEndpointName = 'authorize' | 'token' | 'userinfo' | 'events' | 'apps';

export interface CreateAppInput {
  name: string;
  events_url: string;
  standalone_url: string;
  redirect_url: string;
  version_name?: string;
}
export interface CreatedApp {
  app_id: string;
  app_version_id: string;
}
export interface CreatedAccount {
  account_id: string;
  account_name: string;
}
export interface AccountInfo extends CreatedAccount {
  users: { user_id: string; name: string; email: string }[];
}
export interface InstallInput {
  app_id: string;
  account_id: string;
  /** Licensed user ids; default every user of the account. */
  users?: string[];
  key_algorithm?: KeyAlgorithmName;
  scopes?: string[];
  /** Start a trial once the partner approves (app.trial_started follows the approval). */
  trial?: boolean;
}
export interface Installed {
  installation_id: string;
  client_id: string;
  /** Id of the app.installed event. */
  event_id: string;
}
export interface InstallationInfo {
  installation_id: string;
  app_id: string;
  account_id: string;
  account_name: string | null;
  state: 'pending' | 'completed' | 'rejected' | 'uninstalled';
  state_reason: string | null;
  uninstall_acknowledged: boolean;
  client_id: string | null;
  key_algorithm: string;
  scopes: string[];
  users: string[];
  trial: { state: 'active' | 'ended'; started_at: string | null; expires_at: string | null; ended_at: string | null; ended_reason: string | null } | null;
  credentials: { client_id: string; key_id: string; key_algorithm: string; status: 'current' | 'previous' | 'revoked'; valid_until: string | null; acknowledged: boolean }[];
  created_at: string | null;
}
export interface DeliveryAttempt {
  n: number;
  at: string | null;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  ok: boolean;
}
export interface DeliveryInfo {
  event_id: string;
  type: string;
  app_id: string;
  installation_id: string;
  created_at: string | null;
  status: 'pending' | 'held' | 'delivered' | 'failed';
  next_attempt_at: string | null;
  last_status: string | null;
  attempts: DeliveryAttempt[];
  /** Only from `event()`. */
  body?: Record<string, unknown>;
}
export interface FaultInput {
  endpoint: FaultEndpointName;
  status?: number;
  delay_ms?: number;
  body?: string | Record<string, unknown>;
  times?: number;
}
export interface FaultInfo extends FaultInput {
  id: string;
  remaining: number;
}
export interface SendEventInput {
  installation_id: string;
  body: string | Record<string, unknown>;
  signature?: 'valid' | 'invalid' | 'none';
}
export interface SendEventResult {
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly route: string,
  ) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`;
    super(`emulator control ${route}: ${status} ${message}`);
    this.name = 'EmulatorControlError';
  }
}

export class EmulatorControl {
  private readonly base: string;

  /** `baseUrl` is the emulator's origin (`RunningEmulator.url`). */
  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/emulator/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new EmulatorControlError(res.status, parsed, `${method} ${path.split('?')[0]}`);
    return parsed as T;
  }

  createApp(input: CreateAppInput): Promise<CreatedApp> {
    return this.call('POST', '/apps', input);
  }
  createAccount(name: string): Promise<CreatedAccount> {
    return this.call('POST', '/accounts', { name });
  }
  addUser(accountId: string, user: { name: string; email: string }): Promise<{ user_id: string }> {
    return this.call('POST', `/accounts/${accountId}/users`, user);
  }
  listAccounts(): Promise<AccountInfo[]> {
    return this.call('GET', '/accounts');
  }
  install(input: InstallInput): Promise<Installed> {
    return this.call('POST', '/installations', input);
  }
  listInstallations(): Promise<InstallationInfo[]> {
    return this.call('GET', '/installations');
  }
  getInstallation(installationId: string): Promise<InstallationInfo> {
    return this.call('GET', `/installations/${installationId}`);
  }
  /** The URL a browser opens to launch the app as the user (GET; sets the Talkdesk login cookie, 302s to the standalone URL). */
  launchUrl(installationId: string, userId: string): string {
    const q = new URLSearchParams({ installation_id: installationId, user_id: userId });
    return `${this.base}/emulator/launch?${q}`;
  }
  logout(userId: string): Promise<{ ended_sessions: number; event_ids: string[] }> {
    return this.call('POST', `/users/${userId}/logout`, {});
  }
  setLicenses(installationId: string, change: { adding?: string[]; removing?: string[]; subscription?: Record<string, unknown> }): Promise<{ event_id: string; users: string[] }> {
    return this.call('POST', `/installations/${installationId}/licenses`, change);
  }
  rotateCredentials(installationId: string, options: { compromised?: boolean; key_algorithm?: KeyAlgorithmName } = {}): Promise<{ client_id: string; event_id: string }> {
    return this.call('POST', `/installations/${installationId}/rotate-credentials`, options);
  }
  trial(installationId: string, action: 'start' | 'extend' | 'end', options: { expires_at?: string; days?: number; reason?: 'trial_expired' | 'plan_upgraded' | 'app_uninstalled' } = {}): Promise<{ event_id: string }> {
    return this.call('POST', `/installations/${installationId}/trial`, { action, ...options });
  }
  uninstall(installationId: string, reason?: { type: string; message: string }): Promise<{ event_id: string; event_ids: string[] }> {
    return this.call('DELETE', `/installations/${installationId}`, reason ? { reason } : {});
  }
  deliveries(installationId?: string): Promise<DeliveryInfo[]> {
    return this.call('GET', `/deliveries${installationId ? `?installation_id=${encodeURIComponent(installationId)}` : ''}`);
  }
  /** One event with its attempts and its exact body (which holds the installation's credentials). */
  event(eventId: string): Promise<DeliveryInfo> {
    return this.call('GET', `/events/${eventId}`);
  }
  redeliver(eventId: string): Promise<{ event_id: string; status: string }> {
    return this.call('POST', `/events/${eventId}/redeliver`, {});
  }
  /** POSTs a hand-made or modified body to the installation's events URL once (not recorded in the outbox). */
  sendEvent(input: SendEventInput): Promise<SendEventResult> {
    return this.call('POST', '/events/send', input);
  }
  /** Holds new events (of one installation, or all) until `releaseDeliveries`. */
  pauseDeliveries(installationId?: string): Promise<{ paused: string[] }> {
    return this.call('POST', '/deliveries/pause', installationId ? { installation_id: installationId } : {});
  }
  releaseDeliveries(options: { installation_id?: string; order?: 'created' | 'reverse' } = {}): Promise<{ released: string[] }> {
    return this.call('POST', '/deliveries/release', options);
  }
  setFault(fault: FaultInput): Promise<FaultInfo> {
    return this.call('POST', '/faults', fault);
  }
  listFaults(): Promise<FaultInfo[]> {
    return this.call('GET', '/faults');
  }
  clearFaults(): Promise<{ cleared: number }> {
    return this.call('DELETE', '/faults');
  }
  /** Shifts the emulator's clock (token expiry, codes, timestamps, due retries). */
  setClockSkew(seconds: number): Promise<{ now: string; skew_seconds: number }> {
    return this.call('POST', '/clock', { skew_seconds: seconds });
  }
  rotateSigningKey(): Promise<{ key_id: string }> {
    return this.call('POST', '/signing-keys/rotate', {});
  }

  /** Polls `deliveries` until `predicate` holds (default timeout 5 s). */
  async waitForDeliveries(predicate: (d: DeliveryInfo[]) => boolean, options: { installationId?: string; timeoutMs?: number } = {}): Promise<DeliveryInfo[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      const list = await this.deliveries(options.installationId);
      if (predicate(list)) return list;
      if (Date.now() > deadline) throw new Error('timed out waiting for emulator deliveries');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
