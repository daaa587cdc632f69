import type { z } from 'zod';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { optionsSchema } from './schema.ts';
import { DEFAULT_MAX_EVENT_AGE_MS } from '../events/handler.ts';
import type { AppConnectOptions } from './types.ts';

/** Checks the options; throws APPCONNECT_CONFIG_INVALID listing every bad field (values never echoed). */
export function validateOptions(options: unknown): AppConnectOptions {
  const parsed = optionsSchema.safeParse(options);
  const issues = parsed.success ? crossFieldIssues(options as AppConnectOptions) : describeIssues(parsed.error.issues);
  if (issues.length === 0) return options as AppConnectOptions;
  throw new AppConnectError(
    ErrorCode.ConfigInvalid,
    `Invalid createAppConnect options:\n${issues.map((i) => `  - ${i.field}: ${i.message}`).join('\n')}`,
    { status: 500, details: { issues } },
  );
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): Array<{ field: string; message: string }> {
  return issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(options)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown option(s): ${issue.keys.join(', ')}`;
    return { field, message };
  });
}

function crossFieldIssues(options: AppConnectOptions): Array<{ field: string; message: string }> {
  const issues: Array<{ field: string; message: string }> = [];
  const idle = options.sessions?.idleTimeoutMs;
  const absolute = options.sessions?.absoluteTimeoutMs;
  if (idle !== undefined && absolute !== undefined && idle > absolute) {
    issues.push({ field: 'sessions.idleTimeoutMs', message: 'must not be longer than sessions.absoluteTimeoutMs' });
  }
  // A replay is refused either as too old or as a duplicate: the de-duplication window must cover the age window.
  const eventsRetention = options.retention?.eventsMs;
  const maxAge = options.verification?.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS;
  if (eventsRetention !== undefined && (maxAge === 0 || eventsRetention < maxAge)) {
    issues.push({ field: 'retention.eventsMs', message: 'must be at least verification.maxEventAgeMs (24 h by default, and it must not be 0), or an old replay could be applied again' });
  }
  const paths = Object.entries(options.paths ?? {});
  const seen = new Map<string, string>();
  for (const [name, path] of paths) {
    if (seen.has(path)) issues.push({ field: `paths.${name}`, message: `is the same as paths.${seen.get(path)}` });
    seen.set(path, name);
  }
  return issues;
}
