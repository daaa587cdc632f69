import type { z } from 'zod';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { optionsSchema } from './schema.ts';
import type { AppConnectOptions } from './types.ts';

/** Checks the options; throws APPCONNECT_CONFIG_INVALID listing every bad field (values never echoed). */
export function validateOptions(options: unknown): AppConnectOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return options as AppConnectOptions;
  const issues = describeIssues(parsed.error.issues);
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
