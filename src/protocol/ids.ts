import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Talkdesk object ids: 32 lowercase hex (events, apps, installations, clients, keys). */
export const HEX32 = /^[0-9a-f]{32}$/;
/** Talkdesk user ids (and most account ids): exactly 24 lowercase hex. */
export const HEX24 = /^[0-9a-f]{24}$/;
/** Any Talkdesk id the kit accepts: 24 or 32 lowercase hex (DESIGN.md section 2, "ids"). */
export const TALKDESK_ID = /^(?:[0-9a-f]{24}|[0-9a-f]{32})$/;

export const talkdeskIdSchema = z.string().regex(TALKDESK_ID, 'expected a 24- or 32-character lowercase hex id');
export const userIdSchema = z.string().regex(HEX24, 'expected a 24-character lowercase hex user id');

export function isTalkdeskId(value: unknown): value is string {
  return typeof value === 'string' && TALKDESK_ID.test(value);
}

/** A fresh 32-hex id (the shape of a UUIDv4 without dashes, as in Talkdesk's examples). */
export function newId32(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh 24-hex id (Talkdesk user and account ids). */
export function newId24(): string {
  return randomBytes(12).toString('hex');
}
