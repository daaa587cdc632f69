// Child process for the multi-process SQLite test: applies 30 fixed events concurrently, then claims the outbox.
import { createSqliteStore } from '../../src/stores/sqlite/index.ts';
import { sampleInstallation } from '../../src/testing/index.ts';

const store = createSqliteStore({ path: process.argv[2]! });
const installationId = '0'.repeat(32);
const base = sampleInstallation({ installationId, lastEventAt: 0 });
const results = await Promise.all(
  Array.from({ length: 30 }, (_, i) => store.installations.applyEvent(
    { eventId: `event-${i}`, installationId, type: 'app.updated', createdAt: i },
    (current) => ({
      kind: 'apply',
      installation: { ...(current ?? base), lastEventAt: (current?.lastEventAt ?? 0) + 1 },
      outbox: [{ kind: 'ack_installation', installationId, appId: base.appId, state: 'approve' }],
    }),
  )),
);
const claimed: string[] = [];
for (let round = 0; round < 10; round++) {
  for (const item of await store.installations.claimDue(Date.now() + 1000, 3, 60_000)) claimed.push(item.id);
}
await store.close();
process.stdout.write(JSON.stringify({ applied: results.filter((r) => r.outcome === 'applied').length, claimed }));
