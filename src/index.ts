/**
 * appconnect-sso: the partner side of Talkdesk AppConnect (events, Single Sign-On, sessions and
 * Single Sign-Out). The emulator has its own entry point (`appconnect-sso/emulator`), the store
 * contract battery too (`appconnect-sso/testing`).
 */
export { createAppConnect } from './http/create-app-connect.ts';
export type { AppConnect, OutboxWorkerControl, RequestWithSession } from './http/app-connect-types.ts';
export type {
  AppConnectOptions, SessionUser, LoginEvent, ResolveUserResult, InstallInfo, InstallVerdict, VerificationPolicy, EventNotice,
} from './config/types.ts';
export type { SessionCheck } from './sessions/session-manager.ts';
export type { FailurePageContext, FailurePageOverride } from './http/failure-page.ts';
export type { AppRequest, AppResponse, HeaderValue } from './http/types.ts';
export type { SessionRequest, CookieSink } from './http/session-request.ts';
export type { NodeHandler, NextFunction } from './http/adapters/node.ts';
export type { FetchHandler } from './http/adapters/fetch.ts';
export type { FastifyPreHandler } from './http/adapters/fastify.ts';
export type { TalkdeskUser } from './talkdesk/types.ts';
export type { HostPolicy } from './protocol/hosts.ts';
export type { Logger } from './telemetry/types.ts';

export { AppConnectError, isAppConnectError, ErrorCode } from './errors/index.ts';

export {
  createMemoryStore, createSqliteStore, createPostgresStore, createRedisSessionStore, withSessionStore,
  openStore, storeUrlsFromEnv, parseStoreUrl, redactStoreUrl,
} from './stores/index.ts';
export type { OpenStoreOptions, SqliteStoreOptions, PostgresStoreOptions, RedisSessionStoreOptions } from './stores/index.ts';
export { createLogger } from './telemetry/index.ts';
export type {
  Store, InstallationStore, TransactionStore, SessionStore, FailureStore, TokenCacheStore, InstallationRecord,
  InstallationState, SessionRecord, FailureRecord, LoginTransaction, SessionRevocation,
} from './stores/types.ts';
