import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateOptions } from '../../src/config/validate.ts';
import { resolveConfig } from '../../src/config/resolve.ts';
import { AppConnectError, ErrorCode } from '../../src/errors/index.ts';

function configError(options: unknown): AppConnectError {
  try {
    validateOptions(options);
  } catch (error) {
    assert.ok(error instanceof AppConnectError);
    assert.equal(error.code, ErrorCode.ConfigInvalid);
    return error;
  }
  assert.fail('expected APPCONNECT_CONFIG_INVALID');
}

test('every bad option is listed by name in one error', () => {
  const error = configError({ baseUrl: 'ftp://x', supportContact: '', scopes: ['a b'], cookies: { sameSite: 'strict' }, sessions: { idleTimeoutMs: -1 }, resolveUser: 'nope', paths: { callback: 'cb' }, typo: 1 });
  const fields = (error.details['issues'] as Array<{ field: string }>).map((i) => i.field);
  for (const field of ['baseUrl', 'supportContact', 'scopes.0', 'cookies.sameSite', 'sessions.idleTimeoutMs', 'resolveUser', 'paths.callback', '(options)']) {
    assert.ok(fields.includes(field), `${field} in ${fields.join(',')}`);
  }
  assert.match(error.message, /Invalid createAppConnect options:\n {2}- /);
  assert.match(error.message, /unknown option\(s\): typo/);
});

test('required options are named when missing', () => {
  const error = configError({});
  assert.match(error.message, /baseUrl: is required/);
  assert.match(error.message, /supportContact: is required/);
});

test('plain http is refused except on loopback, and baseUrl must be an origin', () => {
  assert.match(configError({ baseUrl: 'http://app.example.com', supportContact: 'x' }).message, /must use https/);
  assert.match(configError({ baseUrl: 'https://app.example.com/app', supportContact: 'x' }).message, /origin only/);
  assert.doesNotThrow(() => validateOptions({ baseUrl: 'http://127.0.0.1:3000', supportContact: 'x' }));
});

test('secret values are never echoed in the error', () => {
  const error = configError({ baseUrl: 'https://a.example', supportContact: 'x', secretKey: 42, store: 'x'.repeat(0) });
  assert.ok(!error.message.includes('42'));
});

test('defaults: paths, redirect URI, scope, cookie policy and timings', () => {
  const config = resolveConfig({ baseUrl: 'https://app.example.com/', supportContact: ' help@example.com ' });
  assert.equal(config.redirectUri, 'https://app.example.com/appconnect/callback');
  assert.deepEqual(config.paths, { events: '/appconnect/events', launch: '/appconnect/launch', callback: '/appconnect/callback' });
  assert.equal(config.scope, 'openid');
  assert.equal(config.secureCookies, true);
  assert.equal(config.sameSite, 'lax');
  assert.equal(config.idleTimeoutMs, 30 * 60_000);
  assert.equal(config.absoluteTimeoutMs, 12 * 3_600_000);
  assert.equal(config.enforceLicences, true);
  assert.equal(config.supportContact, 'help@example.com');
  assert.equal(resolveConfig({ baseUrl: 'http://localhost:3000', supportContact: 'x', scopes: ['openid', 'refresh_token'] }).secureCookies, false);
  assert.equal(resolveConfig({ baseUrl: 'http://localhost:3000', supportContact: 'x', scopes: ['openid', 'refresh_token'] }).scope, 'openid refresh_token');
});

test('cross-field rules: idle timeout within the absolute one, distinct paths', () => {
  assert.match(configError({ baseUrl: 'https://a.example', supportContact: 'x', sessions: { idleTimeoutMs: 7_200_000, absoluteTimeoutMs: 3_600_000 } }).message, /sessions.idleTimeoutMs: must not be longer/);
  assert.match(configError({ baseUrl: 'https://a.example', supportContact: 'x', paths: { launch: '/x', callback: '/x' } }).message, /paths.callback: is the same as paths.launch/);
});
