import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../src/errors/index.ts';

test('every error code is documented in docs/error-codes.md, and codes are unique and stable-looking', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/error-codes.md'), 'utf8');
  const codes = Object.values(ErrorCode);
  assert.equal(new Set(codes).size, codes.length, 'no two names share a code');
  for (const code of codes) {
    assert.match(code, /^APPCONNECT_[A-Z_]+$/);
    assert.ok(doc.includes(`\`${code}\``) || doc.includes(code), `${code} is missing from docs/error-codes.md`);
  }
});
