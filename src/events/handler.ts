import { ErrorCode } from '../errors/index.ts';
import type { AppRequest, AppResponse } from '../http/types.ts';
import { decideEvent, eventTime, needsKnownInstallation } from '../installations/decide.ts';
import type { InstallVerdict } from '../installations/types.ts';
import { appConnectEventSchema, isKnownEventType, type AppConnectEvent } from '../protocol/events.ts';
import type { InstallationRecord, OutboxItem } from '../stores/types.ts';
import { createInstallationTokens } from '../talkdesk/token-cache.ts';
import { eventAccepted, eventError } from './responses.ts';
import { isRevocation, runRevocation } from './revocations.ts';
import { createSignatureKeySource } from './signature-keys.ts';
import { silentLogger } from '../telemetry/logger.ts';
import type { EventsDeps } from './types.ts';
import { checkLinks, EventRejection, fetchBack, verifySignature } from './verify.ts';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 3_600_000;
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonContentType(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [type, ...params] = value.split(';');
  if (type?.trim().toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    const [name, v] = p.split('=').map((s) => s.trim().toLowerCase());
    return name !== 'charset' || v === 'utf-8' || v === '"utf-8"';
  });
}

/**
 * The events callback (checklist W01-W20). Checks run cheapest first: method, media type, size,
 * signature over the raw bytes, JSON, schema, link allowlist, app id, age, fetch-back; then one atomic
 * `applyEvent`. 2xx only once the change is durable (applied, duplicate or ignored); 503 when the store
 * failed, so Talkdesk retries; revocations then run inline and the worker is kicked for acknowledgements.
 */
export function createEventsHandler(deps: EventsDeps): (req: AppRequest) => Promise<AppResponse> {
  const { store, sealer, talkdesk, hostPolicy } = deps;
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const signatureMode = deps.verification?.signature ?? 'if-present';
  const fetchBackMode = deps.verification?.fetchBack ?? 'when-unsigned';
  const maxAge = deps.verification?.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  const maxSkew = deps.verification?.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const unauthenticatedAllowed = signatureMode === 'off' && fetchBackMode === 'off';
  const keys = createSignatureKeySource(hostPolicy, deps.signatureKeys, clock);
  const tokens = deps.tokens ?? createInstallationTokens({ tokens: store.tokens, sealer, talkdesk, clock });
  if (unauthenticatedAllowed) logger.warn({}, 'events callback accepts unauthenticated events (signature and fetch-back are off)');

  async function readInstallation(id: string): Promise<InstallationRecord | undefined> {
    try {
      return await store.installations.get(id);
    } catch {
      throw new EventRejection(503, ErrorCode.EventNotDurable, 'store unavailable while reading the installation');
    }
  }

  async function process(req: AppRequest): Promise<AppResponse> {
    if (req.method.toUpperCase() !== 'POST') {
      throw new EventRejection(405, ErrorCode.EventMethodNotAllowed, `method ${req.method.slice(0, 16)}`);
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      throw new EventRejection(415, ErrorCode.EventUnsupportedMediaType, 'content type is not application/json');
    }
    // Bodies are never decompressed (no gzip bombs); an encoded body is refused outright.
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && (typeof encoding !== 'string' || encoding.trim().toLowerCase() !== 'identity')) {
      throw new EventRejection(415, ErrorCode.EventUnsupportedMediaType, 'content encoding is not identity');
    }
    const declared = req.headers['content-length'];
    if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > maxBody) {
      throw new EventRejection(413, ErrorCode.EventBodyTooLarge, 'declared length over the cap');
    }
    const body = req.body;
    if (body && body.byteLength > maxBody) throw new EventRejection(413, ErrorCode.EventBodyTooLarge, 'body over the cap');
    if (!body || body.byteLength === 0) throw new EventRejection(400, ErrorCode.EventMalformed, 'empty body');

    const signed = await verifySignature(body, req.headers, signatureMode, keys);

    let raw: unknown;
    try {
      raw = JSON.parse(utf8.decode(body));
    } catch {
      throw new EventRejection(400, ErrorCode.EventMalformed, 'body is not UTF-8 JSON');
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EventRejection(400, ErrorCode.EventInvalid, 'top level is not an object');
    const rawObject = raw as Record<string, unknown>;
    if (typeof rawObject.type === 'string' && !isKnownEventType(rawObject.type)) {
      if (!signed) throw new EventRejection(401, ErrorCode.EventUnverified, 'unknown event type, unauthenticated', true);
      logger.info({ type: rawObject.type.slice(0, 64) }, 'authenticated event of an unknown type ignored');
      return eventAccepted('ignored');
    }
    const parsed = appConnectEventSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')).join(',');
      throw new EventRejection(400, ErrorCode.EventInvalid, `schema: ${fields}`);
    }
    const event: AppConnectEvent = parsed.data;
    checkLinks(rawObject, hostPolicy);
    if (deps.appId !== undefined && event.app_id !== deps.appId) {
      throw new EventRejection(403, ErrorCode.EventWrongApp, 'event for another app', true);
    }
    const now = clock();
    const createdAt = eventTime(event);
    if ((maxAge > 0 && createdAt < now - maxAge) || createdAt > now + maxSkew) {
      throw new EventRejection(400, ErrorCode.EventTooOld, 'created_at outside the accepted window', true);
    }

    const installationId = event.data.installation_id;
    const mustFetchBack = fetchBackMode === 'always' || (fetchBackMode === 'when-unsigned' && !signed);
    if (!signed && !mustFetchBack && !unauthenticatedAllowed) {
      throw new EventRejection(401, ErrorCode.EventUnverified, 'unsigned and fetch-back is off', true);
    }
    let current: InstallationRecord | undefined;
    if (mustFetchBack || needsKnownInstallation(event.type)) current = await readInstallation(installationId);
    if (needsKnownInstallation(event.type) && !current) {
      throw new EventRejection(409, ErrorCode.EventUnknownInstallation, 'installation not known yet');
    }
    if (mustFetchBack) {
      if (event.type !== 'app.installed' && current && current.uninstalledAt !== undefined) {
        // Nothing but a newer app.installed can change a tombstone: a no-op, not recorded.
        return eventAccepted('ignored');
      }
      await fetchBack(event, raw, current, talkdesk, tokens);
    }

    let installVerdict: InstallVerdict | undefined;
    if (event.type === 'app.installed' && deps.hooks?.onInstall) {
      try {
        installVerdict = await deps.hooks.onInstall({
          installationId,
          appId: event.app_id,
          ...(event.app_version_id ? { appVersionId: event.app_version_id } : {}),
          accountId: event.data.account_id,
          accountName: event.data.account_name,
          installedAt: createdAt,
        });
      } catch {
        throw new EventRejection(503, ErrorCode.EventNotDurable, 'onInstall hook failed');
      }
    }

    let result;
    try {
      result = await store.installations.applyEvent(
        { eventId: event.id, installationId, type: event.type, createdAt, receivedAt: now },
        (cur) => decideEvent(event, cur, { sealer, now, ...(installVerdict ? { installVerdict } : {}) }),
        // Stores whose sessions live beside the events end them in the same commit.
        { sessions: store.sessions },
      );
    } catch (error) {
      logger.error({ eventId: event.id, type: event.type, installationId, error: error instanceof Error ? error.name : 'error' }, 'event could not be stored');
      throw new EventRejection(503, ErrorCode.EventNotDurable, 'store failed');
    }
    logger.info({ eventId: event.id, type: event.type, installationId, outcome: result.outcome, ...('reason' in result && result.reason ? { reason: result.reason } : {}) }, 'event processed');

    if (result.outcome === 'applied') await afterCommit(installationId, result.outbox, event);
    if (deps.hooks?.onEvent) {
      try {
        await deps.hooks.onEvent({
          eventId: event.id,
          type: event.type,
          installationId,
          accountId: event.data.account_id,
          createdAt,
          outcome: result.outcome,
          ...('reason' in result && result.reason ? { reason: result.reason } : {}),
        });
      } catch (error) {
        logger.warn({ eventId: event.id, error: error instanceof Error ? error.name : 'error' }, 'onEvent hook failed');
      }
    }
    return eventAccepted(result.outcome);
  }

  /**
   * Single Sign-Out at once: each revocation queued with the event runs now and its outbox copy is
   * completed, so no worker (here or on another instance) runs it again later. What fails stays in
   * the outbox for the worker; acknowledgements are left to it.
   */
  async function afterCommit(installationId: string, queued: readonly OutboxItem[], event: AppConnectEvent): Promise<void> {
    let leftForWorker = false;
    for (const item of queued) {
      if (!isRevocation(item.payload)) {
        leftForWorker = true;
        continue;
      }
      try {
        await runRevocation(store, item.payload);
        await store.installations.complete(item.id);
      } catch (error) {
        leftForWorker = true;
        logger.warn({ installationId, kind: item.payload.kind, error: error instanceof Error ? error.name : 'error' }, 'inline revocation failed; left to the outbox');
      }
    }
    if (event.type === 'app.credentials_rotated' || event.type === 'app.installed' || event.type === 'app.uninstalled') {
      await tokens.invalidate(installationId).catch(() => undefined);
    }
    if (leftForWorker) deps.worker?.kick();
  }

  return async (req: AppRequest): Promise<AppResponse> => {
    try {
      return await process(req);
    } catch (error) {
      if (error instanceof EventRejection) {
        const fields = { code: error.code, status: error.status, reason: error.detail, remoteAddress: req.remoteAddress };
        if (error.security) logger.warn({ ...fields, security: true }, 'event refused');
        else logger.info(fields, 'event refused');
        return eventError(error.status, error.code, error.status === 405 ? { allow: 'POST' } : error.status === 503 ? { 'retry-after': '60' } : {});
      }
      logger.error({ error: error instanceof Error ? error.name : 'error' }, 'events callback failed');
      return eventError(500, ErrorCode.InternalError);
    }
  };
}
