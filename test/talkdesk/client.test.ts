import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { createTalkdeskClient, createPkcePair, pkceChallengeFor } from '../../src/talkdesk/index.ts';
import { generateKeyPairFor, KEY_ALGORITHMS } from '../../src/protocol/keys.ts';
import { isAppConnectError } from '../../src/errors/index.ts';
import { startFakeServer, type RecordedRequest } from './fake-server.ts';

function spkiPem(b64: string): string {
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----`;
}

const tokenOk = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, scope: 'openid', refresh_token: 'rt-1', sid: 's-1', id_token: 'x.y.z' };

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (e: unknown) => isAppConnectError(e) && e.code === code);
}

for (const alg of KEY_ALGORITHMS) {
  test(`private_key_jwt with ${alg}: Talkdesk's claims, aud = token URL, signature verifies`, async () => {
    const keys = generateKeyPairFor(alg);
    const server = await startFakeServer(() => ({ status: 200, body: tokenOk }));
    try {
      const tokensUrl = `${server.origin}/id/starship/oauth/token`;
      const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [server.origin] } });
      const set = await client.exchangeCode(
        { clientId: 'client-a', privateKey: keys.privateKey, keyId: 'kid-1', keyAlgorithm: alg, tokensUrl },
        { code: 'code-1', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43) },
      );
      assert.equal(set.accessToken, 'at-1');
      assert.equal(set.sid, 's-1');
      assert.equal(set.idToken, 'x.y.z');
      const req = server.requests[0]!;
      const form = new URLSearchParams(req.body);
      assert.equal(form.get('grant_type'), 'authorization_code');
      assert.equal(form.get('code'), 'code-1');
      assert.equal(form.get('redirect_uri'), 'https://app.example/cb');
      assert.equal(form.get('code_verifier'), 'v'.repeat(43));
      assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.equal(req.headers.authorization, undefined);
      const assertion = form.get('client_assertion')!;
      const header = decodeProtectedHeader(assertion);
      assert.equal(header.alg, alg);
      assert.equal(header.kid, 'kid-1');
      const { payload } = await jwtVerify(assertion, await importSPKI(spkiPem(keys.publicKey), alg), { audience: tokensUrl });
      assert.equal(payload.iss, 'client-a');
      assert.equal(payload.sub, 'client-a');
      assert.equal(payload.aud, tokensUrl);
      assert.equal(payload.exp! - payload.iat!, 300);
      assert.ok(typeof payload.jti === 'string' && payload.jti.length >= 16);
    } finally {
      await server.close();
    }
  });
}

test('client_secret_basic form-urlencodes id and secret before Base64 (RFC 6749 2.3.1)', async () => {
  const server = await startFakeServer(() => ({ status: 200, body: { access_token: 'at', token_type: 'bearer', expires_in: '60' } }));
  try {
    const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [server.origin] } });
    const set = await client.clientCredentials({ clientId: 'id:1', clientSecret: 's e/c+r%t', tokensUrl: `${server.origin}/t` }, 'apps:write');
    assert.equal(set.expiresIn, 60);
    assert.equal(set.scope, '');
    const req: RecordedRequest = server.requests[0]!;
    const decoded = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    assert.equal(decoded, 'id%3A1:s+e%2Fc%2Br%25t');
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'apps:write');
    assert.equal(form.get('client_assertion'), null);
  } finally {
    await server.close();
  }
});

test('URLs outside the host policy are refused before any request', async () => {
  const server = await startFakeServer(() => ({ status: 200, body: tokenOk }));
  try {
    const client = createTalkdeskClient({ hostPolicy: {} });
    await rejectsWith(client.clientCredentials({ clientId: 'c', clientSecret: 's', tokensUrl: `${server.origin}/t` }), 'APPCONNECT_OUTBOUND_URL_NOT_ALLOWED');
    await rejectsWith(client.fetchUserInfo('https://evil.example/users/me', 'tok'), 'APPCONNECT_OUTBOUND_URL_NOT_ALLOWED');
    await rejectsWith(client.getEvent('https://api.talkdeskapp.com@evil.example/x', 'tok'), 'APPCONNECT_OUTBOUND_URL_NOT_ALLOWED');
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test('token errors keep the OAuth error code, never the body; timeouts and bad bodies are typed', async () => {
  let mode = 'error';
  const server = await startFakeServer(() => {
    if (mode === 'error') return { status: 400, body: { error: 'invalid_grant', error_description: 'secret-ish detail' } };
    if (mode === 'slow') return { status: 200, body: tokenOk, delayMs: 500 };
    if (mode === 'mac') return { status: 200, body: { access_token: 'a', token_type: 'mac' } };
    return { status: 200, body: '{not json' };
  });
  try {
    const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [server.origin] }, timeoutMs: 150 });
    const material = { clientId: 'c', clientSecret: 's', tokensUrl: `${server.origin}/t` };
    await assert.rejects(client.refresh(material, 'rt'), (e: unknown) => {
      assert.ok(isAppConnectError(e));
      assert.equal(e.code, 'APPCONNECT_TOKEN_REQUEST_FAILED');
      assert.equal(e.details.oauthError, 'invalid_grant');
      assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes('secret-ish'));
      return true;
    });
    mode = 'slow';
    await rejectsWith(client.refresh(material, 'rt'), 'APPCONNECT_TOKEN_TIMEOUT');
    mode = 'mac';
    await rejectsWith(client.refresh(material, 'rt'), 'APPCONNECT_TOKEN_RESPONSE_INVALID');
    mode = 'garbage';
    await rejectsWith(client.refresh(material, 'rt'), 'APPCONNECT_TOKEN_RESPONSE_INVALID');
  } finally {
    await server.close();
  }
});

test('userinfo: bearer header only, sub with id fallback, typed failures', async () => {
  let body: unknown = { sub: '573491d5df012e3242001b52', name: 'Ann', email: 'ann@example.com', _links: { self: { href: 'x' } } };
  let status = 200;
  const server = await startFakeServer(() => ({ status, body }));
  try {
    const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [server.origin] }, timeoutMs: 500 });
    const user = await client.fetchUserInfo(`${server.origin}/api/users/me`, 'tok-1');
    assert.deepEqual(user, { userId: '573491d5df012e3242001b52', name: 'Ann', email: 'ann@example.com', claims: { sub: '573491d5df012e3242001b52', name: 'Ann', email: 'ann@example.com' } });
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer tok-1');
    assert.ok(!server.requests[0]!.path.includes('tok-1'));
    body = { id: '5729d479081762d39b00009e' };
    assert.equal((await client.fetchUserInfo(`${server.origin}/api/users/me`, 't')).userId, '5729d479081762d39b00009e');
    body = { name: 'no subject' };
    await rejectsWith(client.fetchUserInfo(`${server.origin}/api/users/me`, 't'), 'APPCONNECT_USERINFO_INVALID');
    status = 401;
    await rejectsWith(client.fetchUserInfo(`${server.origin}/api/users/me`, 't'), 'APPCONNECT_USERINFO_FAILED');
  } finally {
    await server.close();
  }
});

test('Apps API: acknowledgements, 409 on credentials counts as done, users pages are followed', async () => {
  const server = await startFakeServer((req) => {
    if (req.path.endsWith('/state') && req.path.includes('/credentials/')) return { status: 409, body: { code: 'x' } };
    if (req.path.endsWith('/state')) return { status: 200, body: { state: 'approve' } };
    if (req.path.endsWith('/users')) return { status: 200, body: { _embedded: { users: [{ id: 'u1' }] }, _links: { next: { href: `${origin}/api/apps/a/installations/i/users?page=2` } } } };
    if (req.path.includes('page=2')) return { status: 200, body: { _embedded: { users: [{ id: 'u2' }, { id: 'u1' }] } } };
    return { status: 404, body: { error: 'not_found' } };
  });
  const origin = server.origin;
  try {
    const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [origin] } });
    await client.ackInstallation(`${origin}/api`, 'a', 'i', 'reject', 'no seats', 'tok');
    assert.deepEqual(JSON.parse(server.requests[0]!.body), { state: 'reject', reason: 'no seats' });
    assert.equal(server.requests[0]!.path, '/api/apps/a/installations/i/state');
    await client.ackCredentials(`${origin}/api`, 'a', 'i', 'c', 'tok');
    assert.deepEqual(JSON.parse(server.requests[1]!.body), { state: 'acknowledged' });
    assert.deepEqual(await client.listInstallationUsers(`${origin}/api`, 'a', 'i', 'tok'), ['u1', 'u2']);
    await assert.rejects(client.getEvent(`${origin}/api/apps/a/events/e`, 'tok'), (e: unknown) => isAppConnectError(e) && e.code === 'APPCONNECT_APPS_API_FAILED' && e.details.httpStatus === 404);
  } finally {
    await server.close();
  }
});

test('PKCE pair: S256, verifier of 43+ characters', async () => {
  const pair = await createPkcePair();
  assert.ok(pair.verifier.length >= 43);
  assert.equal(pair.method, 'S256');
  assert.equal(await pkceChallengeFor(pair.verifier), pair.challenge);
  const { createHash } = await import('node:crypto');
  assert.equal(pair.challenge, createHash('sha256').update(pair.verifier).digest('base64url'));
});

test('an oversized or redirecting answer is refused, never buffered whole or followed', async () => {
  const huge = { sub: 'a'.repeat(24), name: 'x'.repeat(400 * 1024), email: 'e@x' };
  const server = await startFakeServer((req) =>
    req.path === '/redirect' ? { status: 302, headers: { location: 'https://evil.example/' }, body: '' } : { status: 200, body: huge },
  );
  try {
    const client = createTalkdeskClient({ hostPolicy: { extraOrigins: [server.origin] } });
    await rejectsWith(client.fetchUserInfo(`${server.origin}/users/me`, 'at'), 'APPCONNECT_USERINFO_FAILED');
    await rejectsWith(client.fetchUserInfo(`${server.origin}/redirect`, 'at'), 'APPCONNECT_USERINFO_FAILED');
    assert.equal(server.requests.length, 2, 'the redirect was not followed');
  } finally {
    await server.close();
  }
});

test('PKCE S256 matches RFC 7636 appendix B, and fresh pairs are unique 43-character verifiers', async () => {
  assert.equal(await pkceChallengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const pairs = await Promise.all(Array.from({ length: 50 }, () => createPkcePair()));
  assert.equal(new Set(pairs.map((p) => p.verifier)).size, 50);
  for (const p of pairs) {
    assert.match(p.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(p.challenge, await pkceChallengeFor(p.verifier));
    assert.equal(p.method, 'S256');
  }
});
