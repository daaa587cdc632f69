import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCapturingLogger, silentLogger, REDACTED } from '../../src/telemetry/index.ts';

test('secrets are redacted from log lines at any depth, error codes and states are kept', () => {
  const { logger, entries, text } = createCapturingLogger();
  logger.info({
    client_secret: 'SECRET-1',
    installation: { privateKey: 'SECRET-2', state: 'active', credentials: { access_token: 'SECRET-3' } },
    req: { headers: { authorization: 'Bearer SECRET-4', cookie: '__Host-session=SECRET-5', 'set-cookie': 'x=SECRET-6', host: 'app.example.com' } },
    query: { code: 'SECRET-7', state: 'SECRET-8' },
    tokens: { refresh_token: 'SECRET-9', id_token: 'SECRET-10', code_verifier: 'SECRET-11' },
    url: '/talkdesk/callback?code=SECRET-12&state=SECRET-13',
    code: 'APPCONNECT_CALLBACK_STATE_INVALID',
  }, 'callback');
  const out = text();
  for (let i = 1; i <= 13; i++) assert.ok(!out.includes(`SECRET-${i}"`) && !out.includes(`SECRET-${i}&`) && !out.includes(`SECRET-${i}`), `SECRET-${i} leaked: ${out}`);
  const [entry] = entries() as Array<Record<string, any>>;
  assert.equal(entry!.client_secret, REDACTED);
  assert.equal(entry!.installation.state, 'active');
  assert.equal(entry!.installation.credentials.access_token, REDACTED);
  assert.equal(entry!.req.headers.authorization, REDACTED);
  assert.equal(entry!.req.headers.host, 'app.example.com');
  assert.equal(entry!.query.code, REDACTED);
  assert.equal(entry!.code, 'APPCONNECT_CALLBACK_STATE_INVALID');
  assert.equal(entry!.url, '/talkdesk/callback?code=[redacted]&state=[redacted]');
  assert.equal(entry!.msg, 'callback');
});

test('the silent logger accepts every level and writes nothing', () => {
  silentLogger.debug({ a: 1 }, 'x');
  silentLogger.info({}, 'x');
  silentLogger.warn({}, 'x');
  silentLogger.error({}, 'x');
});
