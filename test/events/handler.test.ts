import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventsHandler } from '../../src/events/index.ts';
import { createMemoryStore } from '../../src/stores/index.ts';
import { createTalkdeskClient } from '../../src/talkdesk/index.ts';
import { encodeSigningPublicKey, generateSigningKey, signEventBody } from '../../src/protocol/signature.ts';
import type { AppRequest } from '../../src/http/types.ts';
import { startFakeServer } from '../talkdesk/fake-server.ts';
import { hex, rawInstalled, rawLogout, testSealer } from './event-builders.ts';

const KEY_ID = hex(16);

async function setup(verification?: Parameters<typeof createEventsHandler>[0]['verification']) {
  const signing = generateSigningKey();
  const keyServer = await startFakeServer((req) =>
    req.path === `/api/events/signature-keys/${KEY_ID}` ? { status: 200, body: { id: KEY_ID, public_key: encodeSigningPublicKey(signing.publicKey) } } : { status: 404, body: {} },
  );
  const store = createMemoryStore();
  const hostPolicy = { extraOrigins: [keyServer.origin] };
  const handler = createEventsHandler({
    store,
    sealer: testSealer(),
    talkdesk: createTalkdeskClient({ hostPolicy, timeoutMs: 1000 }),
    hostPolicy,
    signatureKeys: { roots: [`${keyServer.origin}/api`] },
    ...(verification ? { verification } : {}),
  });
  const root = `${keyServer.origin}/api`;
  const post = (body: string | Uint8Array, headers: Record<string, string> = {}, sign = true): Promise<{ status: number; code?: string; outcome?: string; headers: Record<string, string | string[]> }> => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const req: AppRequest = {
      method: 'POST',
      url: '/events',
      headers: {
        'content-type': 'application/json',
        ...(sign ? { 'x-hub-ecdsa-signature': signEventBody(bytes, signing.privateKey), 'x-hub-ecdsa-signature-id': KEY_ID } : {}),
        ...headers,
      },
      body: bytes,
    };
    return handler(req).then((res) => {
      const json = JSON.parse(String(res.body)) as { error?: { code: string }; outcome?: string };
      return { status: res.status, ...(json.error ? { code: json.error.code } : {}), ...(json.outcome ? { outcome: json.outcome } : {}), headers: res.headers };
    });
  };
  return { store, handler, post, root, keyServer, close: () => keyServer.close() };
}

test('cheap checks first: method 405, media type 415, size 413, with no-store responses', async () => {
  const k = await setup();
  try {
    const res = await k.handler({ method: 'GET', url: '/events', headers: {} });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'POST');
    assert.equal(res.headers['cache-control'], 'no-store');
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
      assert.equal((await k.post('{}', { 'content-type': ct })).status, 415, ct);
    }
    for (const encoding of ['gzip', 'deflate', 'br', 'gzip, identity']) {
      assert.equal((await k.post('{}', { 'content-encoding': encoding })).status, 415, `content-encoding ${encoding} is never decompressed`);
    }
    assert.equal((await k.post('{}', { 'content-length': String(10 * 1024 * 1024) })).status, 413);
    assert.equal((await k.post(new Uint8Array(65 * 1024).fill(32))).status, 413);
  } finally {
    await k.close();
  }
});

test('malformed and wrongly shaped bodies: 400, nothing stored, prototypes untouched', async () => {
  const k = await setup();
  try {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const body of ['', '{"', '{}trailing', deep, 'null', '[]', '"x"', '42', '{"__proto__":{"polluted":true},"type":"app.installed"}']) {
      const r = await k.post(body);
      assert.equal(r.status, 400, body.slice(0, 20));
    }
    assert.equal((await k.post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).status, 400);
    const ev = rawInstalled({ installationId: hex(16), at: Date.now(), root: k.root });
    const bad = { ...ev, data: { ...ev.data, installation_id: 12 } };
    assert.equal((await k.post(JSON.stringify(bad))).code, 'APPCONNECT_EVENT_INVALID');
    const { client_secret: _s, ...noSecret } = ev.data;
    assert.equal((await k.post(JSON.stringify({ ...ev, data: noSecret }))).status, 400);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(await k.store.installations.list(), []);
  } finally {
    await k.close();
  }
});

test('signed events: accepted, duplicates answered 2xx, unknown types 2xx only when authenticated', async () => {
  const k = await setup();
  try {
    const ev = rawInstalled({ installationId: hex(16), at: Date.now(), root: k.root, tokens: 'https://acme.talkdeskid.com/oauth/token' });
    const body = JSON.stringify({ ...ev, future_field: 1 });
    assert.deepEqual((await k.post(body)).outcome, 'applied');
    assert.deepEqual((await k.post(body)).outcome, 'duplicate');
    const stored = await k.store.installations.get(ev.data.installation_id);
    assert.equal(stored?.state, 'pending');
    const future = JSON.stringify({ ...ev, id: hex(16), type: 'app.something_new' });
    assert.equal((await k.post(future)).status, 200);
    assert.equal((await k.post(future, {}, false)).status, 401);
    // pretty-printed vs minified: the signature is over the exact bytes
    const pretty = JSON.stringify({ ...ev, id: hex(16) }, null, 2);
    const signedMinified = await k.post(pretty, { 'x-hub-ecdsa-signature': '00' });
    assert.equal(signedMinified.status, 401);
  } finally {
    await k.close();
  }
});

test('too old events are refused; unsigned with fetch-back off is refused', async () => {
  const k = await setup({ maxEventAgeMs: 60_000, fetchBack: 'off' });
  try {
    const old = rawInstalled({ installationId: hex(16), at: Date.now() - 3_600_000, root: k.root });
    assert.equal((await k.post(JSON.stringify(old))).code, 'APPCONNECT_EVENT_TOO_OLD');
    const fresh = rawInstalled({ installationId: hex(16), at: Date.now(), root: k.root });
    assert.equal((await k.post(JSON.stringify(fresh), {}, false)).status, 401);
    assert.deepEqual(await k.store.installations.list(), []);
  } finally {
    await k.close();
  }
});

test('signature required: unsigned events 401; user.logout for an unknown installation is a 2xx no-op', async () => {
  const k = await setup({ signature: 'required' });
  try {
    const logout = rawLogout({ installationId: hex(16), at: Date.now(), userId: hex(12), root: k.root });
    assert.equal((await k.post(JSON.stringify(logout), {}, false)).status, 401);
    assert.equal((await k.post(JSON.stringify(logout))).outcome, 'ignored');
  } finally {
    await k.close();
  }
});

test('store failure answers 503 and records nothing', async () => {
  const k = await setup();
  try {
    const ev = rawInstalled({ installationId: hex(16), at: Date.now(), root: k.root });
    const original = k.store.installations.applyEvent.bind(k.store.installations);
    (k.store.installations as { applyEvent: typeof original }).applyEvent = async () => {
      throw new Error('db down');
    };
    const r = await k.post(JSON.stringify(ev));
    assert.equal(r.status, 503);
    assert.equal(r.code, 'APPCONNECT_EVENT_NOT_DURABLE');
    (k.store.installations as { applyEvent: typeof original }).applyEvent = original;
    assert.equal((await k.post(JSON.stringify(ev))).outcome, 'applied');
  } finally {
    await k.close();
  }
});
