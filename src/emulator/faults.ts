import { z } from 'zod';
import { newId32 } from '../protocol/index.ts';
import { json, type Reply } from './http/reply.ts';

export const FAULT_ENDPOINTS = ['authorize', 'token', 'userinfo', 'events', 'apps'] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export const faultInputSchema = z.object({
  endpoint: z.enum(FAULT_ENDPOINTS),
  status: z.coerce.number().int().min(100).max(599).optional(),
  delay_ms: z.coerce.number().int().min(0).max(120_000).optional(),
  body: z.union([z.string().max(65_536), z.record(z.string(), z.unknown())]).optional(),
  times: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type FaultInput = z.infer<typeof faultInputSchema>;

export interface Fault extends FaultInput {
  id: string;
  /** How many more matching requests it applies to. */
  remaining: number;
}

/**
 * Injected faults (kept in memory). Each applies to the next `times` matching requests (or deliveries):
 * wait `delay_ms`, then, when `status` is set, answer it (with `body`) instead of the real handler.
 */
export class Faults {
  private faults: Fault[] = [];

  add(input: FaultInput): Fault {
    const fault: Fault = { ...input, id: newId32(), remaining: input.times };
    this.faults.push(fault);
    return fault;
  }

  clear(): number {
    const n = this.faults.length;
    this.faults = [];
    return n;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  take(endpoint: FaultEndpoint): Fault | undefined {
    const fault = this.faults.find((f) => f.endpoint === endpoint && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  /** For HTTP endpoints: waits, then returns the reply to send instead, if the fault sets a status. */
  async apply(endpoint: FaultEndpoint): Promise<Reply | undefined> {
    const fault = this.take(endpoint);
    if (!fault) return undefined;
    if (fault.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
    if (fault.status === undefined) return undefined;
    if (typeof fault.body === 'string') {
      return { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: fault.body };
    }
    return json(fault.status, fault.body ?? { code: 'fault_injected', message: 'fault injected by the emulator control API', fields: [] });
  }
}
