import { randomToken, sha256Base64Url } from '../crypto/index.ts';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { parseCookies, serializeCookie, singleCookie } from '../http/cookies.ts';
import type { HeaderValue } from '../http/types.ts';
import type { SessionRecord, Store } from '../stores/types.ts';
import type { Clock } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import type { SessionUser } from '../config/types.ts';
import type { CookiePolicy } from './cookie-policy.ts';
import { createSessionCache, type SessionCache } from './session-cache.ts';

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const INSTALLATION_ID = /^(?:[0-9a-f]{24}|[0-9a-f]{32})$/;
const INSTALLATION_COOKIE_SECONDS = 30 * 86_400;

export type RequestHeaders = Readonly<Record<string, HeaderValue>>;

/** Result of checking a request's session. `setCookie` must be sent with the response (renewal or clean-up). */
export interface SessionCheck {
  user?: SessionUser;
  /** Why there is no user: no cookie, or a cookie whose session ended (expired, revoked, unknown). */
  reason?: 'missing' | 'ended';
  /** The installation this browser last signed in to, for a silent SSO re-run. */
  lastInstallationId?: string;
  setCookie: string[];
}

/** What a login knows about the session it asks for; ids, hashes and times are the manager's. */
export type NewSession = Pick<SessionRecord, 'installationId' | 'accountId' | 'userId' | 'appUserId' | 'name' | 'email' | 'sid'>;

export type IssueResult = { result: 'created'; user: SessionUser; setCookie: string[] } | { result: 'logged_out' };

export interface SessionManager {
  check(headers: RequestHeaders): Promise<SessionCheck>;
  /** Creates a session (new id; the browser's previous session is deleted) unless a logout watermark forbids it. */
  issue(session: NewSession, loginStartedAt: number, headers: RequestHeaders): Promise<IssueResult>;
  /** Local logout: deletes the session and returns cookies that clear the browser's state. */
  logout(headers: RequestHeaders): Promise<{ ended: boolean; setCookie: string[] }>;
  close(): Promise<void>;
}

export interface SessionManagerOptions {
  store: Store;
  cookies: CookiePolicy;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  touchIntervalMs: number;
  cacheTtlMs: number;
  clock: Clock;
  logger: Logger;
}

function storeUnavailable(error: unknown): AppConnectError {
  if (error instanceof AppConnectError) return error;
  return new AppConnectError(ErrorCode.StoreUnavailable, 'the session store could not be reached', { status: 503, cause: error });
}

function toUser(record: SessionRecord): SessionUser {
  return {
    appUserId: record.appUserId,
    userId: record.userId,
    installationId: record.installationId,
    accountId: record.accountId,
    ...(record.name !== undefined ? { name: record.name } : {}),
    ...(record.email !== undefined ? { email: record.email } : {}),
    createdAt: record.createdAt,
    expiresAt: Math.min(record.idleExpiresAt, record.absoluteExpiresAt),
  };
}

export async function createSessionManager(options: SessionManagerOptions): Promise<SessionManager> {
  const { store, cookies, clock } = options;
  let cache: SessionCache | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  if (options.cacheTtlMs > 0) {
    if (store.sessions.subscribeRevocations) {
      const sessionCache = createSessionCache(options.cacheTtlMs);
      unsubscribe = await store.sessions.subscribeRevocations((revocation) => sessionCache.revoke(revocation));
      cache = sessionCache;
    } else {
      options.logger.warn({}, 'appconnect: sessions.cacheTtlMs ignored: the store does not fan out revocations');
    }
  }

  const clearSession = () => serializeCookie(cookies.sessionName, '', cookies.session(0));
  const sessionCookie = (id: string, idleExpiresAt: number, now: number) =>
    serializeCookie(cookies.sessionName, id, cookies.session(Math.ceil((idleExpiresAt - now) / 1000)));

  function readSessionId(headers: RequestHeaders): { id?: string; present: boolean; lastInstallationId?: string } {
    const jar = parseCookies(headers['cookie']);
    const raw = jar.get(cookies.sessionName);
    const id = singleCookie(jar, cookies.sessionName);
    const installation = singleCookie(jar, cookies.installationName);
    return {
      present: raw !== undefined,
      ...(id !== undefined && SESSION_ID.test(id) ? { id } : {}),
      ...(installation !== undefined && INSTALLATION_ID.test(installation) ? { lastInstallationId: installation } : {}),
    };
  }

  async function load(idHash: string, now: number): Promise<SessionRecord | undefined> {
    const cached = cache?.get(idHash, now);
    if (cached) return cached;
    let record: SessionRecord | undefined;
    try {
      record = await store.sessions.get(idHash);
    } catch (error) {
      throw storeUnavailable(error);
    }
    if (record && cache) cache.set(record, now);
    return record;
  }

  async function check(headers: RequestHeaders): Promise<SessionCheck> {
    const now = clock();
    const cookie = readSessionId(headers);
    const last = cookie.lastInstallationId ? { lastInstallationId: cookie.lastInstallationId } : {};
    if (!cookie.present) return { reason: 'missing', setCookie: [], ...last };
    if (!cookie.id) return { reason: 'ended', setCookie: [clearSession()], ...last };
    const idHash = sha256Base64Url(cookie.id);
    const record = await load(idHash, now);
    if (!record) return { reason: 'ended', setCookie: [clearSession()], ...last };
    if (now >= record.idleExpiresAt || now >= record.absoluteExpiresAt) {
      cache?.delete(idHash);
      await store.sessions.delete(idHash).catch((error: unknown) => {
        options.logger.warn({ error: (error as Error).message }, 'appconnect: could not delete an expired session');
      });
      return { reason: 'ended', setCookie: [clearSession()], ...last };
    }
    const setCookie: string[] = [];
    let current = record;
    if (now - record.lastSeenAt >= options.touchIntervalMs) {
      const idleExpiresAt = Math.min(now + options.idleTimeoutMs, record.absoluteExpiresAt);
      try {
        await store.sessions.touch(idHash, now, idleExpiresAt);
      } catch (error) {
        throw storeUnavailable(error);
      }
      current = { ...record, lastSeenAt: now, idleExpiresAt };
      cache?.set(current, now);
      setCookie.push(sessionCookie(cookie.id, idleExpiresAt, now));
    }
    return { user: toUser(current), setCookie, ...last };
  }

  async function issue(session: NewSession, loginStartedAt: number, headers: RequestHeaders): Promise<IssueResult> {
    const now = clock();
    const id = randomToken(32);
    const idleExpiresAt = Math.min(now + options.idleTimeoutMs, now + options.absoluteTimeoutMs);
    const record: SessionRecord = {
      idHash: sha256Base64Url(id),
      installationId: session.installationId,
      accountId: session.accountId,
      userId: session.userId,
      appUserId: session.appUserId,
      ...(session.name !== undefined ? { name: session.name } : {}),
      ...(session.email !== undefined ? { email: session.email } : {}),
      ...(session.sid !== undefined ? { sid: session.sid } : {}),
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt,
      absoluteExpiresAt: now + options.absoluteTimeoutMs,
    };
    let result;
    try {
      result = await store.sessions.create(record, loginStartedAt);
    } catch (error) {
      throw storeUnavailable(error);
    }
    if (result === 'logged_out') return { result };
    // Never keep the pre-login session (fixation, or another user's session in this browser).
    const previous = readSessionId(headers).id;
    if (previous) {
      const previousHash = sha256Base64Url(previous);
      cache?.delete(previousHash);
      await store.sessions.delete(previousHash).catch(() => undefined);
    }
    return {
      result,
      user: toUser(record),
      setCookie: [
        sessionCookie(id, idleExpiresAt, now),
        serializeCookie(cookies.installationName, session.installationId, cookies.installation(INSTALLATION_COOKIE_SECONDS)),
      ],
    };
  }

  async function logout(headers: RequestHeaders): Promise<{ ended: boolean; setCookie: string[] }> {
    const id = readSessionId(headers).id;
    let ended = false;
    if (id) {
      const idHash = sha256Base64Url(id);
      cache?.delete(idHash);
      try {
        ended = (await store.sessions.get(idHash)) !== undefined;
        await store.sessions.delete(idHash);
      } catch (error) {
        throw storeUnavailable(error);
      }
    }
    return {
      ended,
      setCookie: [clearSession(), serializeCookie(cookies.installationName, '', cookies.installation(0))],
    };
  }

  return {
    check,
    issue,
    logout,
    async close() {
      cache?.clear();
      if (unsubscribe) await unsubscribe();
    },
  };
}
