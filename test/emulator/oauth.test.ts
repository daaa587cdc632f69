import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { generateKeyPairFor, KEY_ALGORITHMS } from '../../src/protocol/index.ts';
import { assertion, basic, browserLogin, clientCredentialsToken, installApp, jwtAuth, tokenRequest, world } from './helpers.ts';

const JWT_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function userinfo(url: string, token?: string) {
  const res = await fetch(`${url}/api/users/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('code flow with private_key_jwt for each of the six algorithms, id_token, userinfo', async () => {
  for (const alg of KEY_ALGORITHMS) {
    const w = await world();
    try {
      const creds = await installApp(w, { key_algorithm: alg });
      assert.equal(creds.key_algorithm, alg);
      const { code, state } = await browserLogin(w, creds, w.userIds[0]!, { nonce: 'n-1' });
      assert.equal(state, 'st-1');
      const r = await tokenRequest(w, { grant_type: 'authorization_code', code, redirect_uri: w.redirectUri, ...(await jwtAuth(w, creds)) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(typeof r.body.access_token, 'string');
      assert.equal(typeof r.body.refresh_token, 'string');
      assert.equal(r.body.expires_in, 3600);
      assert.equal(r.body.scope, 'openid');
      assert.match(String(r.body.sid), /^[0-9a-f]{32}$/);
      const jwks = createRemoteJWKSet(new URL(`${w.emu.url}/id/${w.accountName}/oauth/jwks`));
      const { payload } = await jwtVerify(String(r.body.id_token), jwks, { issuer: `${w.emu.url}/id/${w.accountName}`, audience: creds.client_id });
      assert.equal(payload.sub, w.userIds[0]);
      assert.equal(payload.nonce, 'n-1');
      assert.equal(payload.sid, r.body.sid);
      const me = await userinfo(w.emu.url, String(r.body.access_token));
      assert.equal(me.status, 200);
      assert.equal(me.body.sub, w.userIds[0]);
      assert.equal(me.body.id, w.userIds[0]);
      assert.equal(me.body.name, 'Ada');
      assert.equal(me.body.email, 'ada@example.com');
    } finally {
      await w.close();
    }
  }
});

test('code flow with client_secret_basic, PKCE S256, code reuse revokes, refresh rotates', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    const verifier = 'v'.repeat(20) + randomUUID().replace(/-/g, '');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code } = await browserLogin(w, creds, w.userIds[1]!, { code_challenge: challenge, code_challenge_method: 'S256' });
    const auth = { authorization: basic(creds) };
    const noVerifier = await tokenRequest(w, { grant_type: 'authorization_code', code, redirect_uri: w.redirectUri }, auth);
    assert.equal(noVerifier.body.error, 'invalid_grant');
    const ok = await tokenRequest(w, { grant_type: 'authorization_code', code, redirect_uri: w.redirectUri, code_verifier: verifier }, auth);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await userinfo(w.emu.url, String(ok.body.access_token))).body.sub, w.userIds[1]);

    const refreshed = await tokenRequest(w, { grant_type: 'refresh_token', refresh_token: String(ok.body.refresh_token) }, auth);
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, ok.body.refresh_token);
    assert.equal(refreshed.body.sid, ok.body.sid);
    const replayedRefresh = await tokenRequest(w, { grant_type: 'refresh_token', refresh_token: String(ok.body.refresh_token) }, auth);
    assert.equal(replayedRefresh.body.error, 'invalid_grant');
    assert.equal((await userinfo(w.emu.url, String(refreshed.body.access_token))).status, 401, 'reuse of a rotated refresh token revokes the family');

    const second = await browserLogin(w, creds, w.userIds[0]!);
    const first = await tokenRequest(w, { grant_type: 'authorization_code', code: second.code, redirect_uri: w.redirectUri }, auth);
    assert.equal(first.status, 200);
    const reuse = await tokenRequest(w, { grant_type: 'authorization_code', code: second.code, redirect_uri: w.redirectUri }, auth);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal((await userinfo(w.emu.url, String(first.body.access_token))).status, 401, 'tokens of a reused code are revoked');

    const wrongSecret = await tokenRequest(w, { grant_type: 'client_credentials' }, { authorization: basic({ client_id: creds.client_id, client_secret: 'nope' }) });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
  } finally {
    await w.close();
  }
});

test('wrong redirect_uri, unknown client, expired code, error redirects', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    const { cookie } = await browserLogin(w, creds, w.userIds[0]!);
    const authz = (q: Record<string, string>) => fetch(`${w.emu.authorizeUrl(w.accountName)}?${new URLSearchParams(q)}`, { redirect: 'manual', headers: { cookie } });
    const wrong = await authz({ response_type: 'code', client_id: creds.client_id, redirect_uri: 'http://127.0.0.1:9/evil', state: 's' });
    assert.equal(wrong.status, 400, 'never redirects to an unregistered URI');
    assert.equal(wrong.headers.get('location'), null);
    const unknown = await authz({ response_type: 'code', client_id: 'f'.repeat(32), redirect_uri: w.redirectUri });
    assert.equal(unknown.status, 400);
    const badType = await authz({ response_type: 'token', client_id: creds.client_id, redirect_uri: w.redirectUri, state: 's9' });
    assert.equal(badType.status, 302);
    const loc = new URL(badType.headers.get('location')!);
    assert.equal(loc.searchParams.get('error'), 'unsupported_response_type');
    assert.equal(loc.searchParams.get('state'), 's9');
    const plain = await authz({ response_type: 'code', client_id: creds.client_id, redirect_uri: w.redirectUri, code_challenge: 'a'.repeat(43) });
    assert.equal(new URL(plain.headers.get('location')!).searchParams.get('error'), 'invalid_request');

    const noLogin = await fetch(`${w.emu.authorizeUrl(w.accountName)}?${new URLSearchParams({ response_type: 'code', client_id: creds.client_id, redirect_uri: w.redirectUri })}`, { redirect: 'manual' });
    assert.equal(noLogin.status, 200, 'no Talkdesk login: the login page');
    assert.match(await noLogin.text(), /Sign in/);

    const { code } = await browserLogin(w, creds, w.userIds[0]!);
    const mismatch = await tokenRequest(w, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/other', ...(await jwtAuth(w, creds)) });
    assert.equal(mismatch.body.error, 'invalid_grant');

    const late = await browserLogin(w, creds, w.userIds[0]!);
    await w.control.setClockSkew(61);
    const expired = await tokenRequest(w, { grant_type: 'authorization_code', code: late.code, redirect_uri: w.redirectUri, ...(await jwtAuth(w, creds)) });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'invalid_grant');
    assert.match(String(expired.body.error_description), /expired/);
  } finally {
    await w.close();
  }
});

test('bad client assertions: wrong key, wrong aud, expired, too long, replayed jti, wrong alg', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    const cc = async (clientAssertion: string) => tokenRequest(w, { grant_type: 'client_credentials', client_assertion_type: JWT_TYPE, client_assertion: clientAssertion });
    const now = Math.floor(Date.now() / 1000);
    const otherKey = generateKeyPairFor('ES256').privateKey;
    for (const [label, jwt] of [
      ['wrong key', await assertion(w, creds, { key: otherKey })],
      ['wrong aud', await assertion(w, creds, { aud: `${w.emu.url}/id/other/oauth/token` })],
      ['expired', await assertion(w, creds, { iat: now - 1000, exp: now - 600 })],
      ['exp too far ahead', await assertion(w, creds, { exp: now + 3600 })],
      ['wrong alg', await assertion(w, { ...creds, key_algorithm: 'PS256', private_key: generateKeyPairFor('PS256').privateKey })],
      ['garbage', 'not.a.jwt'],
    ] as const) {
      const r = await cc(jwt);
      assert.equal(r.status, 401, label);
      assert.equal(r.body.error, 'invalid_client', label);
    }
    const once = await assertion(w, creds);
    assert.equal((await cc(once)).status, 200);
    const replay = await cc(once);
    assert.equal(replay.status, 401);
    assert.match(String(replay.body.error_description), /jti/);
  } finally {
    await w.close();
  }
});

test('userinfo: 401 for missing or bad tokens, 400 for a client-credentials token', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    assert.equal((await userinfo(w.emu.url)).status, 401);
    const bad = await userinfo(w.emu.url, 'abc');
    assert.equal(bad.status, 401);
    assert.deepEqual(Object.keys(bad.body).sort(), ['code', 'fields', 'message']);
    const cc = await clientCredentialsToken(w, creds);
    const noUser = await userinfo(w.emu.url, cc);
    assert.equal(noUser.status, 400);
    assert.ok(Array.isArray(noUser.body.fields));
    await w.control.setClockSkew(3601);
    const { code } = await browserLogin(w, creds, w.userIds[0]!);
    const r = await tokenRequest(w, { grant_type: 'authorization_code', code, redirect_uri: w.redirectUri, client_assertion_type: JWT_TYPE, client_assertion: await assertion(w, creds, { iat: Math.floor(Date.now() / 1000) + 3601, exp: Math.floor(Date.now() / 1000) + 3601 + 300 }) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await userinfo(w.emu.url, String(r.body.access_token))).status, 200);
    await w.control.setClockSkew(3601 * 2);
    assert.equal((await userinfo(w.emu.url, String(r.body.access_token))).status, 401, 'expired access token');
  } finally {
    await w.close();
  }
});

test('faults on authorize, token and userinfo take effect the given number of times', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    await w.control.setFault({ endpoint: 'token', status: 503, body: { error: 'temporarily_unavailable' }, times: 2 });
    const f1 = await tokenRequest(w, { grant_type: 'client_credentials' }, { authorization: basic(creds) });
    const f2 = await tokenRequest(w, { grant_type: 'client_credentials' }, { authorization: basic(creds) });
    assert.equal(f1.status, 503);
    assert.equal(f2.body.error, 'temporarily_unavailable');
    assert.equal((await tokenRequest(w, { grant_type: 'client_credentials' }, { authorization: basic(creds) })).status, 200);

    await w.control.setFault({ endpoint: 'userinfo', status: 500 });
    const cc = await clientCredentialsToken(w, creds);
    assert.equal((await userinfo(w.emu.url, cc)).status, 500);
    assert.equal((await userinfo(w.emu.url, cc)).status, 400);

    await w.control.setFault({ endpoint: 'authorize', status: 502, times: 5 });
    const res = await fetch(w.emu.authorizeUrl(w.accountName), { redirect: 'manual' });
    assert.equal(res.status, 502);
    assert.equal((await w.control.listFaults())[0]?.remaining, 4);
    await w.control.clearFaults();
    assert.equal((await fetch(w.emu.authorizeUrl(w.accountName), { redirect: 'manual' })).status, 400);

    await w.control.setFault({ endpoint: 'token', delay_ms: 300 });
    const t0 = Date.now();
    assert.equal((await tokenRequest(w, { grant_type: 'client_credentials' }, { authorization: basic(creds) })).status, 200);
    assert.ok(Date.now() - t0 >= 290, 'delay applied');
  } finally {
    await w.close();
  }
});
