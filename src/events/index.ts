export { createEventsHandler, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_MAX_CLOCK_SKEW_MS } from './handler.ts';
export { createOutboxWorker, backoffDelay, type OutboxWorker, type OutboxWorkerDeps } from './outbox-worker.ts';
export { createSignatureKeySource, defaultSignatureKeyRoots, type SignatureKeySource } from './signature-keys.ts';
export type { EventHooks, EventNotice, EventsDeps, SignatureKeyOptions, VerificationPolicy } from './types.ts';
