import { z } from 'zod';

// RFC 3339 date-time: Talkdesk sends both `2016-06-14T16:23:07Z` and `2017-08-18T10:29:52.000+00:00`.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp to epoch milliseconds, or returns undefined. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

export const rfc3339Schema = z.string().refine((v) => parseRfc3339(v) !== undefined, 'expected an RFC 3339 timestamp');

/** Formats epoch milliseconds the way Talkdesk's trial events do: `2017-08-18T10:29:52.000+00:00`. */
export function formatTalkdeskTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}
