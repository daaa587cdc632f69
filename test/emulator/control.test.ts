import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { world } from './helpers.ts';

test('malformed control requests are rejected with 4xx and change nothing', async () => {
  const w = await world();
  try {
    const { installation_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId });
    await w.receiver.waitFor((r) => r.length === 1);
    const snapshot = async () => JSON.stringify([await w.control.listAccounts(), await w.control.listInstallations(), (await w.control.deliveries()).map((d) => [d.event_id, d.status])]);
    const before = await snapshot();
    const api = `${w.emu.url}/emulator/api`;
    const cases: [string, string, string | undefined, string?][] = [
      ['POST', '/apps', '{"name":"x","events_url":"ftp://a","standalone_url":"http://a","redirect_url":"http://a"}'],
      ['POST', '/apps', '{not json'],
      ['POST', '/accounts', '{"name":"UPPER CASE"}'],
      ['POST', '/accounts', `{"name":"${w.accountName}"}`],
      ['POST', `/accounts/${w.accountId}/users`, '{"name":"x","email":"not-an-email"}'],
      ['POST', `/accounts/${'0'.repeat(24)}/users`, '{"name":"x","email":"x@example.com"}'],
      ['POST', '/installations', `{"app_id":"${w.appId}","account_id":"${w.accountId}"}`],
      ['POST', '/installations', `{"app_id":"${w.appId}","account_id":"${w.accountId}","key_algorithm":"HS256"}`],
      ['POST', '/installations', `{"app_id":"${w.appId}","account_id":"${w.accountId}","users":["${'1'.repeat(24)}"]}`],
      ['POST', `/installations/${installation_id}/licenses`, '{}'],
      ['POST', `/installations/${installation_id}/licenses`, `{"adding":["${'1'.repeat(24)}"]}`],
      ['POST', `/installations/${installation_id}/trial`, '{"action":"extend"}'],
      ['POST', `/installations/${installation_id}/trial`, '{"action":"explode"}'],
      ['POST', `/installations/${installation_id}/rotate-credentials`, '{"key_algorithm":"none"}'],
      ['DELETE', `/installations/${'0'.repeat(32)}`, undefined],
      ['POST', `/users/${'0'.repeat(24)}/logout`, undefined],
      ['POST', '/faults', '{"endpoint":"nowhere"}'],
      ['POST', '/faults', '{"endpoint":"token","status":42}'],
      ['POST', '/clock', '{"skew_seconds":"soon"}'],
      ['POST', `/events/${'0'.repeat(32)}/redeliver`, undefined],
      ['POST', '/apps', 'name=x', 'text/plain'],
      ['POST', '/apps', JSON.stringify({ name: 'x'.repeat(100_000) })],
    ];
    for (const [method, path, body, type] of cases) {
      const res = await fetch(api + path, { method, headers: body === undefined ? {} : { 'content-type': type ?? 'application/json' }, body });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} ${body?.slice(0, 60)} -> ${res.status}`);
      const parsed = (await res.json()) as Record<string, unknown>;
      assert.equal(typeof parsed.code, 'string');
      assert.ok(Array.isArray(parsed.fields));
    }
    assert.equal(await snapshot(), before);
    assert.equal((await w.control.listFaults()).length, 0);

    const crossSite = await fetch(`${api}/accounts`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }, body: 'name=evil' });
    assert.equal(crossSite.status, 403);
    const formPost = (headers: Record<string, string>, name: string) =>
      fetch(`${api}/accounts`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `name=${name}`, redirect: 'manual' });
    // Fetch Metadata decides when present: a cross-site post is refused even with a matching Origin...
    assert.equal((await formPost({ 'sec-fetch-site': 'cross-site', origin: w.emu.url }, 'evil2')).status, 403);
    // ...and the App Manager's own post passes although its Referrer-Policy makes the browser send `Origin: null`.
    assert.equal((await formPost({ 'sec-fetch-site': 'same-origin', origin: 'null' }, 'samesite')).status, 303);
    assert.equal((await formPost({ origin: 'null' }, 'nullorigin')).status, 403, 'without Fetch Metadata, Origin null is foreign');
    assert.ok(!(await w.control.listAccounts()).some((a) => a.account_name === 'evil2' || a.account_name === 'nullorigin'));
    const form = await fetch(`${api}/accounts`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: w.emu.url }, body: 'name=fromform', redirect: 'manual' });
    assert.equal(form.status, 303, 'App Manager forms get a redirect back to the page');
    assert.ok((await w.control.listAccounts()).some((a) => a.account_name === 'fromform'));
    assert.equal((await fetch(`${w.emu.url}/nope`)).status, 404);
    assert.equal((await fetch(`${api}/apps`, { method: 'PUT' })).status, 405);
  } finally {
    await w.close();
  }
});

test('App Manager page lists accounts, launch links and the event log', async () => {
  const w = await world();
  try {
    const { installation_id } = await w.control.install({ app_id: w.appId, account_id: w.accountId });
    await w.receiver.waitFor((r) => r.length === 1);
    const res = await fetch(`${w.emu.url}/`);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, new RegExp(w.accountName));
    assert.match(page, new RegExp(`/emulator/launch\\?installation_id=${installation_id}&amp;user_id=${w.userIds[0]}`));
    assert.match(page, /app\.installed/);
    assert.doesNotMatch(page, /client_secret|PRIVATE KEY/);
    const launch = await fetch(w.control.launchUrl(installation_id, w.userIds[0]!), { redirect: 'manual' });
    assert.equal(launch.status, 302);
    const target = new URL(launch.headers.get('location')!);
    assert.equal(target.searchParams.get('talkdesk_installation_id'), installation_id);
    assert.equal(target.searchParams.get('talkdesk_user_id'), w.userIds[0]);
    assert.match(launch.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
    const logout = await w.control.logout(w.userIds[0]!);
    assert.equal(logout.ended_sessions, 1);
    assert.equal(logout.event_ids.length, 1);
  } finally {
    await w.close();
  }
});

test('CLI: prints the URL, stops on SIGTERM; a busy port is named', async () => {
  const run = (args: string[]) => spawn(process.execPath, ['bin/appconnect.mjs', 'emulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const first = run(['--port', '0']);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    first.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Emulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    first.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  try {
    assert.equal((await fetch(`${url}/emulator/api/health`)).status, 204);
    const port = new URL(url).port;
    const second = run(['--port', port]);
    let err = '';
    second.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, new RegExp(`port ${port} .*in use`));
  } finally {
    first.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => first.on('exit', resolve));
    assert.equal(code, 0);
  }
});
