import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSealer, createKeyRing, loadSecretKeys, parseSecretKeyList, randomToken, sha256Base64Url, constantTimeEqual,
} from '../../src/crypto/index.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';

const key = (kid: string) => ({ kid, key: randomBytes(32) });

function assertOpenFails(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => error instanceof AppConnectError && error.code === ErrorCode.SealOpenFailed);
}

test('seal then open round-trips, with a fresh IV each time and the kid in the value', () => {
  const sealer = createSealer([key('a1')]);
  const one = sealer.seal('s3cr3t-value', 'inst-1', 'client_secret');
  const two = sealer.seal('s3cr3t-value', 'inst-1', 'client_secret');
  assert.notEqual(one, two);
  assert.match(one, /^v1\.a1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  assert.ok(!one.includes('s3cr3t'));
  assert.equal(sealer.open(one, 'inst-1', 'client_secret'), 's3cr3t-value');
  assert.equal(sealer.open(sealer.seal('', 'x', 'y'), 'x', 'y'), '');
});

test('tampering with any part of the sealed value makes open fail', () => {
  const sealer = createSealer([key('a1'), key('old')]);
  const sealed = sealer.seal('private key material', 'inst-1', 'private_key');
  const parts = sealed.split('.');
  for (let i = 0; i < parts.length; i++) {
    const changed = [...parts];
    const part = changed[i]!;
    // flip the first character to another valid base64url char (for the version/kid use a different known value)
    changed[i] = i === 0 ? 'v2' : i === 1 ? 'old' : (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
    assertOpenFails(() => sealer.open(changed.join('.'), 'inst-1', 'private_key'));
  }
  // one bit flipped inside the ciphertext bytes
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[ct.length - 1]! ^= 1;
  assertOpenFails(() => sealer.open([parts[0], parts[1], parts[2], ct.toString('base64url'), parts[4]].join('.'), 'inst-1', 'private_key'));
  assertOpenFails(() => sealer.open(parts.slice(0, 4).join('.'), 'inst-1', 'private_key'));
  assertOpenFails(() => sealer.open('garbage', 'inst-1', 'private_key'));
  assert.equal(sealer.open(sealed, 'inst-1', 'private_key'), 'private key material');
});

test('a different context or field (AAD) makes open fail', () => {
  const sealer = createSealer([key('a1')]);
  const sealed = sealer.seal('value', 'inst-1', 'client_secret');
  assertOpenFails(() => sealer.open(sealed, 'inst-2', 'client_secret'));
  assertOpenFails(() => sealer.open(sealed, 'inst-1', 'private_key'));
  // the NUL separator keeps (a, bc) and (ab, c) apart
  const split = sealer.seal('v', 'a', 'bc');
  assertOpenFails(() => sealer.open(split, 'ab', 'c'));
  assert.throws(() => sealer.seal('v', 'a\0b', 'c'), TypeError);
});

test('a value sealed under another key never opens', () => {
  const a = createSealer([key('k1')]);
  const b = createSealer([key('k1')]);
  assertOpenFails(() => b.open(a.seal('v', 'c', 'f'), 'c', 'f'));
});

test('rotation: old keys still open, new values use the current key, needsReseal flags the old ones', () => {
  const oldKey = key('k1');
  const before = createSealer([oldKey]);
  const sealedOld = before.seal('v-old', 'inst', 'client_secret');
  assert.equal(before.needsReseal(sealedOld), false);
  const after = createSealer(createKeyRing([key('k2'), oldKey]));
  assert.equal(after.open(sealedOld, 'inst', 'client_secret'), 'v-old');
  assert.equal(after.needsReseal(sealedOld), true);
  const resealed = after.seal(after.open(sealedOld, 'inst', 'client_secret'), 'inst', 'client_secret');
  assert.equal(after.needsReseal(resealed), false);
  assert.ok(resealed.startsWith('v1.k2.'));
  assertOpenFails(() => before.open(resealed, 'inst', 'client_secret'));
});

test('APPCONNECT_SECRET_KEY formats: hex, base64, kid list; malformed keys are refused without echoing them', () => {
  const raw = randomBytes(32);
  assert.deepEqual(parseSecretKeyList(raw.toString('hex')).current.key, raw);
  assert.deepEqual(parseSecretKeyList(raw.toString('base64')).current.key, raw);
  assert.deepEqual(parseSecretKeyList(raw.toString('base64url')).current.key, raw);
  const ring = parseSecretKeyList(`new:${raw.toString('hex')}, old:${randomBytes(32).toString('base64')}`);
  assert.equal(ring.current.kid, 'new');
  assert.deepEqual(ring.all.map((k) => k.kid), ['new', 'old']);
  const secretLooking = 'not-a-key-SUPERSECRETVALUE';
  for (const bad of [secretLooking, 'ab'.repeat(31), `a:${secretLooking}`, `a:${raw.toString('hex')},a:${raw.toString('hex')}`, ':x', ' , ']) {
    assert.throws(() => loadSecretKeys({ env: bad }), (error: unknown) => {
      assert.ok(error instanceof AppConnectError);
      assert.equal(error.code, ErrorCode.SecretKeyInvalid);
      assert.ok(!error.message.includes('SUPERSECRETVALUE'), error.message);
      return true;
    });
  }
});

test('without env, a key file is created with mode 0600 (folder created) and reused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconnect-key-'));
  try {
    const file = join(dir, 'nested', 'secret.key');
    const first = loadSecretKeys({ keyFile: file });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadSecretKeys({ keyFile: file });
    assert.deepEqual(second.current.key, first.current.key);
    const sealed = createSealer(first).seal('v', 'c', 'f');
    assert.equal(createSealer(second).open(sealed, 'c', 'f'), 'v');
    assert.ok(!readFileSync(file, 'utf8').includes('\0'));
    chmodSync(file, 0o644);
    assert.throws(() => loadSecretKeys({ keyFile: file }), (e: unknown) => e instanceof AppConnectError && e.code === ErrorCode.SecretKeyInvalid);
    const broken = join(dir, 'broken.key');
    writeFileSync(broken, 'short', { mode: 0o600 });
    assert.throws(() => loadSecretKeys({ keyFile: broken }), (e: unknown) => e instanceof AppConnectError && e.code === ErrorCode.SecretKeyInvalid);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random helpers', () => {
  const a = randomToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, randomToken());
  assert.match(randomToken(16), /^[A-Za-z0-9_-]{22}$/);
  assert.throws(() => randomToken(8), RangeError);
  assert.equal(sha256Base64Url('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  assert.equal(constantTimeEqual('abc', 'abc'), true);
  assert.equal(constantTimeEqual('abc', 'abd'), false);
  assert.equal(constantTimeEqual('abc', 'abcd'), false);
  assert.equal(constantTimeEqual('', ''), true);
});
