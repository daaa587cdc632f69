import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { SessionUser } from '../config/types.ts';
import type { Store } from '../stores/types.ts';
import type { SessionCheck } from '../sessions/session-manager.ts';
import type { NextFunction, NodeHandler } from './adapters/node.ts';
import type { FastifyPreHandler } from './adapters/fastify.ts';
import type { FetchHandler } from './adapters/fetch.ts';
import type { Handler } from './routes.ts';
import type { AppRequest, AppResponse } from './types.ts';
import type { Housekeeper } from '../housekeeping/housekeeper.ts';
import type { CookieSink, SessionRequest } from './session-request.ts';

/** A node/Express request after `requireSession`: the signed-in user is on `req.appconnect`. */
export type RequestWithSession = IncomingMessage & { appconnect?: SessionUser };

export interface OutboxWorkerControl {
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<unknown>;
  kick(): void;
}

/** What `createAppConnect` returns. */
export interface AppConnect {
  /** Framework-free handlers of the three AppConnect URLs. */
  readonly handlers: { readonly events: Handler; readonly launch: Handler; readonly callback: Handler };
  /** Routes a framework-free request to the right handler; undefined when the path is not an AppConnect one. */
  handle(request: AppRequest): Promise<AppResponse | undefined>;
  /** The signed-in user of a request, or undefined. Pass the response to receive the sliding-renewal cookie. */
  getSession(request: SessionRequest, response?: CookieSink): Promise<SessionUser | undefined>;
  /** Like getSession, framework-free: the user (if any), why not, and the Set-Cookie values to send. */
  checkSession(request: SessionRequest): Promise<SessionCheck>;
  /** node:http / Express middleware: sets `req.appconnect`, or re-runs SSO silently / answers 401. */
  requireSession(request: IncomingMessage, response: ServerResponse, next: NextFunction): void;
  /** Fastify preHandler: sets `request.appconnect`, or re-runs SSO silently / answers 401. */
  fastifyRequireSession: FastifyPreHandler;
  /** Local logout: ends this browser's session; the headers (cookie removal, Clear-Site-Data) are applied to `response` when given. */
  logout(request: SessionRequest, response?: CookieSink): Promise<{ ended: boolean; headers: Record<string, string | string[]> }>;
  /** node:http request listener / Connect middleware for the three paths (others go to `next`, or 404). */
  node(): NodeHandler;
  /** Express middleware for the three paths; mount before body parsers (or keep `req.rawBody`). */
  express(): (request: IncomingMessage, response: ServerResponse, next: NextFunction) => void;
  /** Fastify plugin: `await app.register(appconnect.fastify)`. */
  readonly fastify: FastifyPluginAsync;
  /** fetch-style handler; other paths go to `fallback` (404 by default). */
  fetch(fallback?: FetchHandler): FetchHandler;
  /** The Apps API acknowledgement worker (started automatically unless `startOutboxWorker: false`). */
  readonly outboxWorker: OutboxWorkerControl;
  /** Deletes expired transactions and sessions, old event ids, finished outbox items and old failure records (every 10 min unless `startHousekeeping: false`). */
  readonly housekeeping: Housekeeper;
  /** The store in use (installations, sessions, failure records...). */
  readonly store: Store;
  /** Stops the worker, the revocation subscription and closes the store when the kit opened it. */
  close(): Promise<void>;
}
