import type { FailureRecord, InstallationRecord, Store } from '../stores/types.ts';
import type { Logger } from '../telemetry/types.ts';
import type { Clock } from '../talkdesk/types.ts';
import type { AppResponse } from './types.ts';
import { failureMessage } from './failure-messages.ts';
import { failurePageResponse, type FailurePageOverride } from './failure-page.ts';
import { newReferenceId } from './reference-id.ts';
import { cleanText } from './html.ts';
import { ErrorCode } from '../errors/index.ts';

/** A failure to show and record. Every field is safe to store and show: never put secrets here. */
export interface Failure {
  code: string;
  /** launch | callback | authorization | token | userinfo | session */
  stage: string;
  installation?: InstallationRecord;
  installationId?: string;
  userId?: string;
  hintUserId?: string;
  /** Shown on the page (e.g. the AS error code or the app's refusal reason). */
  detail?: string;
  /** Operator summary for the record; defaults to the page's reason. */
  message?: string;
  details?: Record<string, string | number | boolean>;
  status?: number;
  setCookie?: readonly string[];
  headers?: Record<string, string>;
}

export interface FailureResponderOptions {
  store: Store;
  supportContact: string;
  frameAncestors: readonly string[];
  pages: Readonly<Record<string, FailurePageOverride | undefined>>;
  onError?: (failure: FailureRecord) => void | Promise<void>;
  logger: Logger;
  clock: Clock;
  /** Failure records stored and logged per minute at most (a flood must fill neither the store nor the log); the rest are counted. */
  maxRecordsPerMinute: number;
}

const NO_LAUNCH_AGAIN = new Set<string>([ErrorCode.UserNotLicensed, ErrorCode.UserRefused, ErrorCode.LaunchInstallationInactive, ErrorCode.CallbackInstallationInactive]);

export interface FailureResponder {
  /** Records the failure and renders its page. */
  (failure: Failure): Promise<AppResponse>;
  /** Records the failure (store, log, onError) without a page, e.g. a hint mismatch. */
  record(failure: Failure): Promise<FailureRecord>;
}

export function createFailureResponder(options: FailureResponderOptions): FailureResponder {
  let windowStart = 0;
  let windowCount = 0;
  let dropped = 0;

  function admit(now: number): boolean {
    if (now - windowStart >= 60_000) {
      if (dropped > 0) options.logger.warn({ dropped }, 'appconnect: failure records over the per-minute cap were not stored');
      windowStart = now;
      windowCount = 0;
      dropped = 0;
    }
    windowCount += 1;
    if (windowCount > options.maxRecordsPerMinute) {
      dropped += 1;
      return false;
    }
    return true;
  }

  /** Records a failure (store + onError + log) without rendering a page; returns the record. */
  async function recordFailure(failure: Failure): Promise<FailureRecord> {
    const message = failureMessage(failure.code);
    const now = options.clock();
    const installationId = failure.installation?.installationId ?? failure.installationId;
    const record: FailureRecord = {
      referenceId: newReferenceId(),
      at: now,
      stage: failure.stage,
      code: failure.code,
      message: cleanText(failure.message ?? (failure.detail ? `${message.reason} ${failure.detail}` : message.reason), 500),
      ...(installationId ? { installationId } : {}),
      ...(failure.userId ? { userId: failure.userId } : {}),
      ...(failure.hintUserId ? { hintUserId: failure.hintUserId } : {}),
      ...(failure.details ? { details: failure.details } : {}),
    };
    const fields = { referenceId: record.referenceId, stage: record.stage, code: record.code, installationId: record.installationId };
    // Past the per-minute cap (a flood), neither stored nor logged one by one: the count of dropped
    // records is logged once the minute is over.
    if (admit(now)) {
      try {
        await options.store.failures.record(record);
      } catch (error) {
        options.logger.error({ ...fields, error: (error as Error).message }, 'appconnect: could not store a failure record');
      }
      options.logger.warn(fields, `appconnect: ${record.message}`);
    }
    if (options.onError) {
      try {
        await options.onError(record);
      } catch (error) {
        options.logger.error({ ...fields, error: (error as Error).message }, 'appconnect: onError hook threw');
      }
    }
    return record;
  }

  async function respond(failure: Failure): Promise<AppResponse> {
    const record = await recordFailure(failure);
    const message = failureMessage(failure.code);
    const headers: Record<string, string> = { ...(failure.headers ?? {}) };
    const response = failurePageResponse(
      {
        code: failure.code,
        status: failure.status ?? message.status,
        referenceId: record.referenceId,
        title: message.title,
        reason: message.reason,
        ...(failure.detail ? { detail: failure.detail } : {}),
        supportContact: options.supportContact,
        ...(failure.installation?.adminContact ? { adminContact: failure.installation.adminContact } : {}),
        showLaunchAgain: !NO_LAUNCH_AGAIN.has(failure.code),
      },
      options.frameAncestors,
      options.pages[failure.code] ?? options.pages['*'],
      headers,
    );
    if (failure.setCookie && failure.setCookie.length > 0) response.headers['set-cookie'] = [...failure.setCookie];
    return response;
  }

  return Object.assign(respond, { record: recordFailure });
}
