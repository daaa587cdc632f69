import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientCredentialsToken, installApp, world } from './helpers.ts';

async function call(url: string, token: string | undefined, method = 'GET', body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

test('approve moves pending -> completed; trial follows; users, installation and event reads', async () => {
  const w = await world();
  try {
    const creds = await installApp(w, { trial: true, users: [w.userIds[0]!] });
    const token = await clientCredentialsToken(w, creds);
    const base = `${w.emu.apiRoot}/apps/${w.appId}/installations/${creds.installation_id}`;
    assert.equal((await w.control.getInstallation(creds.installation_id)).state, 'pending');
    const bad = await call(`${base}/state`, token, 'POST', { state: 'maybe' });
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.error, 'string');
    const ok = await call(`${base}/state`, token, 'POST', { state: 'approve' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.state, 'completed');
    assert.equal((ok.body._links as { self: { href: string } }).self.href, `${base}/state`);
    assert.equal((await w.control.getInstallation(creds.installation_id)).state, 'completed');
    await w.receiver.waitFor((r) => r.some((x) => x.body.type === 'app.trial_started'));
    assert.equal((await call(`${base}/state`, token, 'POST', { state: 'approve' })).status, 200, 'idempotent');
    assert.equal((await call(`${base}/state`, token, 'POST', { state: 'reject' })).status, 409);

    const inst = await call(base, token);
    assert.equal(inst.status, 200);
    assert.equal(inst.body.id, creds.installation_id);
    assert.equal(((inst.body._embedded as { state: { state: string } }).state).state, 'completed');
    const users = await call(`${base}/users?per_page=1`, token);
    assert.equal(users.body.total, 1);
    assert.deepEqual(((users.body._embedded as { users: { id: string }[] }).users).map((u) => u.id), [w.userIds[0]]);
    const installedId = String(w.receiver.ofType('app.installed')[0]!.body.id);
    const event = await call(`${w.emu.apiRoot}/apps/${w.appId}/events/${installedId}`, token);
    assert.equal(event.status, 200);
    assert.deepEqual(event.body, w.receiver.ofType('app.installed')[0]!.body, 'fetch-back returns the delivered event');
    assert.equal((await call(`${w.emu.apiRoot}/apps/${w.appId}/events/${'0'.repeat(32)}`, token)).status, 404);
  } finally {
    await w.close();
  }
});

test('scope and ownership checks; credentials acknowledgement; apps fault', async () => {
  const w = await world();
  try {
    const creds = await installApp(w);
    const other = await w.control.createAccount(`other${process.pid}`);
    await w.control.addUser(other.account_id, { name: 'Zed', email: 'z@example.com' });
    const otherInst = await w.control.install({ app_id: w.appId, account_id: other.account_id });
    const base = `${w.emu.apiRoot}/apps/${w.appId}/installations/${creds.installation_id}`;

    assert.equal((await call(`${base}/state`, undefined, 'POST', { state: 'approve' })).status, 401);
    const readOnly = await clientCredentialsToken(w, creds, 'apps:read');
    const denied = await call(`${base}/state`, readOnly, 'POST', { state: 'approve' });
    assert.equal(denied.status, 403);
    assert.equal(typeof denied.body.error, 'string');
    assert.equal((await call(`${w.emu.apiRoot}/apps/${w.appId}/events/${'0'.repeat(32)}`, readOnly)).status, 403, 'events:read needed');
    const token = await clientCredentialsToken(w, creds);
    const foreign = await call(`${w.emu.apiRoot}/apps/${w.appId}/installations/${otherInst.installation_id}`, token);
    assert.equal(foreign.status, 403);
    assert.deepEqual(Object.keys(foreign.body).sort(), ['code', 'fields', 'message']);
    assert.equal((await call(`${w.emu.apiRoot}/apps/${'a'.repeat(32)}/installations/${creds.installation_id}`, token)).status, 403);
    assert.equal((await w.control.getInstallation(creds.installation_id)).state, 'pending', 'nothing changed');

    const rotated = await w.control.rotateCredentials(creds.installation_id);
    const ackUrl = `${base}/credentials/${rotated.client_id}/state`;
    assert.equal((await call(ackUrl, token, 'POST', { state: 'nope' })).status, 400);
    assert.equal((await call(`${base}/credentials/${'b'.repeat(32)}/state`, token, 'POST', { state: 'acknowledged' })).status, 404);
    let info = await w.control.getInstallation(creds.installation_id);
    assert.equal(info.credentials.find((c) => c.client_id === creds.client_id)?.status, 'previous', 'old set valid in the grace period');
    const ack = await call(ackUrl, token, 'POST', { state: 'acknowledged' });
    assert.equal(ack.status, 202);
    assert.equal((await call(ackUrl, token, 'POST', { state: 'acknowledged' })).status, 409);
    info = await w.control.getInstallation(creds.installation_id);
    assert.equal(info.credentials.find((c) => c.client_id === creds.client_id)?.status, 'revoked');

    await w.control.setFault({ endpoint: 'apps', status: 503 });
    assert.equal((await call(base, token)).status, 503);
    assert.equal((await call(base, token)).status, 200);
  } finally {
    await w.close();
  }
});
