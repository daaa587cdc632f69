import { SIGNATURE_HEADER, SIGNATURE_ID_HEADER, signEventBody } from '../../protocol/index.ts';
import type { EmulatorCore } from '../core.ts';

export interface SendResult {
  ok: boolean;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** True when the emulator itself aborted the attempt (shutting down): not recorded. */
  aborted: boolean;
}

export interface SendOptions {
  /** Body to send instead of `body` while keeping `body`'s signature (a tampered event). */
  tamperedBody?: string;
  /** 'none' sends no signature headers; 'invalid' sends a signature of other bytes. */
  signature?: 'valid' | 'invalid' | 'none';
  signal?: AbortSignal;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    const inner = cause?.errors?.[0]?.code;
    if (typeof inner === 'string') return inner;
    if (err.name === 'TimeoutError') return 'timeout';
    return err.message.slice(0, 200);
  }
  return 'unknown error';
}

/** One delivery attempt: POST the exact body, signed, with the configured timeout. Never throws. */
export async function sendEvent(core: EmulatorCore, url: string, body: string, options: SendOptions = {}): Promise<SendResult> {
  const startedAt = core.clock.now();
  const started = performance.now();
  const done = (r: Omit<SendResult, 'startedAt' | 'durationMs'>): SendResult => ({ ...r, startedAt, durationMs: Math.round(performance.now() - started) });
  const fault = core.faults.take('events');
  try {
    if (fault?.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
    if (fault?.status !== undefined) {
      const ok = fault.status >= 200 && fault.status < 300;
      return done({ ok, statusCode: fault.status, error: ok ? null : 'fault injected (not sent)', aborted: false });
    }
    const key = core.keys.active('events', core.clock.now());
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'appconnect-emulator' };
    const mode = options.signature ?? 'valid';
    if (mode !== 'none') {
      const signed = mode === 'invalid' ? `${body} ` : body;
      headers[SIGNATURE_HEADER] = signEventBody(Buffer.from(signed, 'utf8'), key.privateKey);
      headers[SIGNATURE_ID_HEADER] = key.id;
    }
    const sent = options.tamperedBody ?? (typeof fault?.body === 'string' ? fault.body : body);
    const timeout = AbortSignal.timeout(core.config.deliveryTimeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const res = await fetch(url, { method: 'POST', headers, body: sent, redirect: 'manual', signal });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return done({ ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, aborted: false });
  } catch (err) {
    if (options.signal?.aborted) return done({ ok: false, statusCode: null, error: 'emulator stopped', aborted: true });
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return done({ ok: false, statusCode: null, error: timedOut ? `timeout after ${core.config.deliveryTimeoutMs} ms` : describe(err), aborted: false });
  }
}
