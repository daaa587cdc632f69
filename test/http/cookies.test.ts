import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookies, serializeCookie, singleCookie } from '../../src/http/cookies.ts';
import { createCookiePolicy } from '../../src/sessions/cookie-policy.ts';

test('L02: production cookies use __Host-/__Secure- names, Secure, HttpOnly and SameSite=Lax; no Domain', () => {
  const policy = createCookiePolicy({ secure: true, sameSite: 'lax', namePrefix: 'appconnect', callbackPath: '/appconnect/callback' });
  assert.equal(policy.sessionName, '__Host-appconnect-session');
  assert.equal(policy.bindingName, '__Secure-appconnect-login');
  const session = serializeCookie(policy.sessionName, 'x'.repeat(43), policy.session(1800));
  assert.equal(session, `__Host-appconnect-session=${'x'.repeat(43)}; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=Lax`);
  assert.ok(!/Domain=/i.test(session));
  assert.ok(session.length < 4096);
  const binding = serializeCookie(policy.bindingName, 'y', policy.binding(600));
  assert.equal(binding, '__Secure-appconnect-login=y; Path=/appconnect/callback; Max-Age=600; HttpOnly; Secure; SameSite=Lax');
});

test('L02: framed apps get SameSite=None; Secure; Partitioned on every cookie, the login binding included', () => {
  const policy = createCookiePolicy({ secure: true, sameSite: 'none', namePrefix: 'myapp', callbackPath: '/cb' });
  for (const attributes of [policy.session(60), policy.binding(600), policy.installation(60)]) {
    const cookie = serializeCookie('n', 'v', attributes);
    assert.match(cookie, /; Secure; SameSite=None; Partitioned$/);
  }
  assert.equal(policy.sessionName, '__Host-myapp-session');
});

test('plain-http loopback development drops Secure and the prefixes', () => {
  const policy = createCookiePolicy({ secure: false, sameSite: 'lax', namePrefix: 'appconnect', callbackPath: '/appconnect/callback' });
  assert.equal(policy.sessionName, 'appconnect-session');
  assert.equal(policy.bindingName, 'appconnect-login');
  assert.ok(!serializeCookie(policy.sessionName, 'v', policy.session()).includes('Secure'));
});

test('deleting a cookie sets Max-Age=0 and an expiry in the past', () => {
  assert.match(serializeCookie('a', '', { path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: 0 }), /Max-Age=0; Expires=Thu, 01 Jan 1970/);
});

test('L04: duplicated, garbled and oversized Cookie headers never yield a value', () => {
  const jar = parseCookies('a=1; b=2; a=3; =x; bad name=4; c="q"');
  assert.equal(singleCookie(jar, 'a'), undefined, 'a duplicated name is ambiguous');
  assert.equal(singleCookie(jar, 'b'), '2');
  assert.equal(singleCookie(jar, 'c'), 'q');
  assert.equal(parseCookies(`a=${'x'.repeat(20_000)}`).size, 0);
  assert.equal(parseCookies(undefined).size, 0);
  assert.throws(() => serializeCookie('a', 'v;Domain=evil', { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' }));
});
