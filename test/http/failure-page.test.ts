import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { failurePageResponse, renderFailureHtml } from '../../src/http/failure-page.ts';

const base = { code: 'APPCONNECT_USER_NOT_LICENSED', status: 403, referenceId: 'ABCD-EFGH-JKMN', title: 'No licence', reason: 'You have no licence.', supportContact: 'help@example.com', showLaunchAgain: true };

test('the failure page is accessible HTML with the reason, contacts, launch-again hint and reference', () => {
  const html = renderFailureHtml({ ...base, adminContact: 'admin@acme.example' });
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /<title>No licence<\/title>/);
  assert.match(html, /<h1>No licence<\/h1>/);
  assert.match(html, /<a href="mailto:help@example\.com">help@example\.com<\/a>/);
  assert.match(html, /admin@acme\.example/);
  assert.match(html, /Open the app again from Talkdesk/);
  assert.match(html, /ABCD-EFGH-JKMN/);
  assert.ok(!html.includes('<script'));
});

test('C10: reflected and app-provided text is escaped, stripped of control characters and truncated', () => {
  const html = renderFailureHtml({ ...base, detail: `"><img src=x onerror=alert(1)>\r\nX-Injected: 1${'a'.repeat(1000)}`, supportContact: '<script>alert(1)</script>' });
  assert.ok(!html.includes('<img'));
  assert.ok(!html.includes('<script>alert'));
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.ok(!html.includes('\r\nX-Injected'));
  assert.ok(!html.includes('a'.repeat(400)));
});

test('the page CSP allows only its own inline style, by hash, and sets frame-ancestors', () => {
  const response = failurePageResponse(base, ["'self'", 'https://*.mytalkdesk.com']);
  const csp = response.headers['content-security-policy'] as string;
  const style = /<style>([^<]*)<\/style>/.exec(String(response.body))![1]!;
  const hash = createHash('sha256').update(style).digest('base64');
  assert.match(csp, /^default-src 'none'; /);
  assert.ok(csp.includes(`style-src 'sha256-${hash}'`));
  assert.ok(csp.includes("frame-ancestors 'self' https://*.mytalkdesk.com"));
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.equal(response.status, 403);
});

test('an app can override the page of an error code, keeping the security headers', () => {
  const response = failurePageResponse(base, ["'self'"], (ctx) => ({ status: 401, html: `<p>custom ${ctx.referenceId}</p>` }));
  assert.equal(response.status, 401);
  assert.equal(response.body, '<p>custom ABCD-EFGH-JKMN</p>');
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(response.headers['content-security-policy'] as string, /frame-ancestors 'self'/);
});
