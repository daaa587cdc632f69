import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFailureResponder } from '../../src/http/failures.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { createCapturingLogger } from '../../src/telemetry/index.ts';
import { ErrorCode } from '../../src/errors/index.ts';

test('a flood of failures fills neither the store nor the log: the cap per minute, then one count of what was dropped', async () => {
  const store = createMemoryStore();
  const capture = createCapturingLogger();
  let now = 1_000_000;
  const errors: string[] = [];
  const fail = createFailureResponder({
    store, supportContact: 'help@example.com', frameAncestors: ["'self'"], pages: {}, logger: capture.logger,
    clock: () => now, maxRecordsPerMinute: 3, onError: (f) => void errors.push(f.referenceId),
  });
  for (let i = 0; i < 10; i++) {
    const page = await fail({ code: ErrorCode.LaunchTooManyPending, stage: 'launch' });
    assert.equal(page.status, 503, 'every request still gets its page');
  }
  assert.equal((await store.failures.list({ limit: 100 })).length, 3);
  assert.equal(capture.entries().filter((e) => e.code === ErrorCode.LaunchTooManyPending).length, 3, 'three log lines, not ten');
  assert.equal(errors.length, 10, 'onError sees every failure');
  now += 61_000;
  await fail({ code: ErrorCode.LaunchTooManyPending, stage: 'launch' });
  const summary = capture.entries().find((e) => e.dropped !== undefined);
  assert.equal(summary?.dropped, 7);
  assert.equal((await store.failures.list({ limit: 100 })).length, 4, 'a new minute stores again');
});
