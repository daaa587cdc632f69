import { randomBytes } from 'node:crypto';
import { createSealer } from '../../src/crypto/index.ts';
import { resolveConfig } from '../../src/config/resolve.ts';
import type { AppConnectOptions } from '../../src/config/types.ts';
import { createFailureResponder } from '../../src/http/failures.ts';
import type { AppRequest } from '../../src/http/types.ts';
import { createCookiePolicy } from '../../src/sessions/cookie-policy.ts';
import { createSessionManager } from '../../src/sessions/session-manager.ts';
import { createCallbackHandler } from '../../src/sso/callback.ts';
import { createCompleteLogin } from '../../src/sso/complete-login.ts';
import { createLaunchHandler } from '../../src/sso/launch.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import type { FailureRecord, InstallationRecord } from '../../src/stores/types.ts';
import type { TalkdeskClient } from '../../src/talkdesk/types.ts';
import { silentLogger } from '../../src/telemetry/index.ts';
import { sampleInstallation } from '../../src/testing/fixtures.ts';

/**
 * The launch and callback handlers over a real memory store, with a Talkdesk client that only counts
 * calls: these unit tests stop before any outbound call (the integration tests use the emulator).
 */
export async function unitKit(overrides: Partial<AppConnectOptions> = {}) {
  const store = createMemoryStore();
  const sealer = createSealer([{ kid: 't', key: randomBytes(32) }]);
  let now = Date.parse('2025-01-01T00:00:00Z');
  const options: AppConnectOptions = { baseUrl: 'https://app.example.com', supportContact: 'help@example.com', clock: () => now, ...overrides };
  const config = resolveConfig(options);
  const cookies = createCookiePolicy({ secure: config.secureCookies, sameSite: config.sameSite, namePrefix: config.namePrefix, callbackPath: config.paths.callback });
  const errors: FailureRecord[] = [];
  const fail = createFailureResponder({
    store, supportContact: config.supportContact, frameAncestors: config.frameAncestors, pages: config.pages,
    onError: (f) => void errors.push(f), logger: silentLogger, clock: config.clock, maxRecordsPerMinute: 1000,
  });
  const sessions = await createSessionManager({ store, cookies, idleTimeoutMs: config.idleTimeoutMs, absoluteTimeoutMs: config.absoluteTimeoutMs, touchIntervalMs: config.touchIntervalMs, cacheTtlMs: 0, clock: config.clock, logger: silentLogger });
  const outbound = { count: 0 };
  const refuse = async (): Promise<never> => {
    outbound.count += 1;
    throw new Error('no outbound calls in unit tests');
  };
  const talkdesk = { exchangeCode: refuse, fetchUserInfo: refuse } as unknown as TalkdeskClient;
  const completeLogin = createCompleteLogin({ config, store, sealer, talkdesk, sessions, fail, resolveUser: undefined, onLogin: undefined, logger: silentLogger });
  const launch = createLaunchHandler({ config, store, sealer, cookies, fail });
  const callback = createCallbackHandler({ config, store, cookies, sessions, fail, completeLogin });

  async function addInstallation(overrides: Partial<InstallationRecord> = {}): Promise<InstallationRecord> {
    const base = sampleInstallation(overrides);
    // Real sealed credentials, so the callback gets as far as the (counted) token call.
    const installation = { ...base, clientSecret: sealer.seal('test-secret', base.installationId, 'client_secret'), privateKey: undefined, ...overrides };
    await store.installations.applyEvent(
      { eventId: randomBytes(16).toString('hex'), installationId: installation.installationId, type: 'app.installed', createdAt: now },
      () => ({ kind: 'apply', installation }),
    );
    return installation;
  }
  const get = (url: string, cookie?: string): AppRequest => ({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  return {
    store, sealer, config, cookies, sessions, launch, callback, errors, outbound, addInstallation, get,
    advance(ms: number) { now += ms; },
    now: () => now,
  };
}

export function setCookies(headers: Record<string, string | string[]>): string[] {
  const value = headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `name=value` pairs of Set-Cookie headers, for the next request's Cookie header. */
export function cookieHeader(setCookie: readonly string[]): string {
  return setCookie.map((c) => c.split(';')[0]).join('; ');
}
