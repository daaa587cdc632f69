import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appConnectEventSchema, generateSigningKey, signEventBody, verifyEventBody, isAllowedTalkdeskUrl,
  parseRfc3339, generateKeyPairFor, privateKeyFromBase64, publicKeyFromBase64, keyFitsAlgorithm, KEY_ALGORITHMS,
  decodeSigningPublicKey, encodeSigningPublicKey,
} from '../../src/protocol/index.ts';
import { documentedEvents } from '../fixtures/documented-events.ts';

test('every documented payload example parses with its type schema', () => {
  for (const [type, payload] of Object.entries(documentedEvents)) {
    const parsed = appConnectEventSchema.safeParse(payload);
    assert.ok(parsed.success, `${type}: ${parsed.success ? '' : parsed.error.message}`);
    assert.equal(parsed.data.type, type);
  }
});

test('a missing required field or a wrong type is rejected', () => {
  const installed = structuredClone(documentedEvents['app.installed']) as { data: Record<string, unknown>; _links: Record<string, unknown> };
  delete installed.data.client_id;
  assert.equal(appConnectEventSchema.safeParse(installed).success, false);
  const noTokens = structuredClone(documentedEvents['app.installed']) as { _links: Record<string, unknown> };
  delete noTokens._links.tokens;
  assert.equal(appConnectEventSchema.safeParse(noTokens).success, false);
  const numericId = { ...(documentedEvents['user.logout'] as object), id: 12 };
  assert.equal(appConnectEventSchema.safeParse(numericId).success, false);
  assert.equal(appConnectEventSchema.safeParse({ ...(documentedEvents['user.logout'] as object), type: 'app.nope' }).success, false);
});

test('unknown fields are dropped and __proto__ keys do not pollute', () => {
  const raw = JSON.parse(JSON.stringify(documentedEvents['user.logout']).replace('{', '{"__proto__":{"polluted":1},"extra":true,'));
  const parsed = appConnectEventSchema.parse(raw);
  assert.equal('extra' in parsed, false);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('RFC 3339 timestamps in both documented forms', () => {
  assert.equal(parseRfc3339('2016-06-14T16:23:07Z'), Date.UTC(2016, 5, 14, 16, 23, 7));
  assert.equal(parseRfc3339('2017-08-18T10:29:52.000+00:00'), Date.UTC(2017, 7, 18, 10, 29, 52));
  assert.equal(parseRfc3339('yesterday'), undefined);
  assert.equal(parseRfc3339('2017-13-45T10:29:52Z'), undefined);
});

test('event signatures verify over the exact raw bytes only', () => {
  const { privateKey, publicKey } = generateSigningKey();
  const body = Buffer.from('{"a":1}');
  const sig = signEventBody(body, privateKey);
  assert.ok(verifyEventBody(body, sig, publicKey));
  assert.ok(verifyEventBody(body, sig, decodeSigningPublicKey(encodeSigningPublicKey(publicKey))));
  assert.equal(verifyEventBody(Buffer.from('{"a": 1}'), sig, publicKey), false);
  assert.equal(verifyEventBody(body, sig.slice(2), publicKey), false);
  assert.equal(verifyEventBody(body, 'zz', publicKey), false);
  assert.equal(verifyEventBody(body, sig, generateSigningKey().publicKey), false);
});

test('installation key pairs for all six algorithms round-trip through Base64 DER', () => {
  for (const alg of KEY_ALGORITHMS) {
    const pair = generateKeyPairFor(alg);
    assert.ok(keyFitsAlgorithm(privateKeyFromBase64(pair.privateKey), alg), alg);
    assert.ok(keyFitsAlgorithm(publicKeyFromBase64(pair.publicKey), alg), alg);
  }
  assert.throws(() => privateKeyFromBase64('PRIVATE_KEY'));
});

test('only https Talkdesk hosts, or configured origins, are allowed in links', () => {
  assert.ok(isAllowedTalkdeskUrl('https://api.talkdeskapp.com/users/me'));
  assert.ok(isAllowedTalkdeskUrl('https://starship.talkdeskid.eu/oauth/token'));
  for (const bad of [
    'http://api.talkdeskapp.com/users/me', 'https://talkdeskid.com@evil.example/', 'https://evil.example/',
    'https://169.254.169.254/', 'https://api.talkdeskapp.com:8443/', 'https://a.b.talkdeskid.com.evil.example/',
    'https://user:pw@api.talkdeskapp.com/', 'javascript:alert(1)', 'not a url', 'https://xn--tlkdesk-9wa.talkdeskid.com.evil/',
  ]) assert.equal(isAllowedTalkdeskUrl(bad), false, bad);
  assert.ok(isAllowedTalkdeskUrl('http://localhost:4010/api/users/me', { extraOrigins: ['http://localhost:4010'] }));
  assert.equal(isAllowedTalkdeskUrl('http://localhost:4011/', { extraOrigins: ['http://localhost:4010'] }), false);
});
