import t, { type Test } from 'tap';
import { silentLogger } from '@tracehound/logging';
import { sampleAlert, type Delivery } from '@tracehound/schemas';
import { Receiver } from '@tracehound/testkit';
import { PendingOffsets } from '../src/delivery/pending.js';
import { RouteWorker, type Item } from '../src/delivery/route-worker.js';
import { checkRoute } from '../src/routes/validate.js';

// The worker alone, against a real receiver on loopback; its delivery log is a list here (the
// Kafka-backed log is exercised by notifier.integration.test.ts).
async function worker(t: Test, route: Record<string, unknown>) {
  const rx = new Receiver();
  const base = await rx.start();
  const r = checkRoute({ id: 'w', name: 'W', output: { kind: 'webhook', settings: { url: `${base}/w` } }, ...route });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const log: Delivery[] = [];
  const done: Item[] = [];
  const w = new RouteWorker(r.route, { logger: silentLogger(), record: async (d) => void log.push(d), done: (items) => void done.push(...items) });
  t.teardown(async () => {
    await w.close();
    await rx.stop();
  });
  let n = 0;
  const offer = (ruleId = 'r1') => w.offer({ alert: sampleAlert({ id: `a${n}`, rule: { id: ruleId, name: ruleId, version: 1 } }), partition: 0, offset: BigInt(n++) });
  return { rx, log, done, w, offer };
}
const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

t.test('rate limit: a burst of a sixth of the limit, then the limit', async (t) => {
  const { rx, offer, done } = await worker(t, { rate_limit: { per_minute: 120 } });
  const t0 = Date.now();
  for (let i = 0; i < 23; i++) offer();
  await until(() => done.length === 23, 15_000);
  t.equal(rx.on('/w').length, 23);
  const took = Date.now() - t0;
  // 20 at once, then one every 500 ms.
  t.ok(took >= 1_400 && took < 4_000, `23 messages at 120/min with a burst of 20 took ${took} ms`);
});

t.test('grouping: max_alerts closes a group early; other rules group apart', async (t) => {
  const { rx, offer, log } = await worker(t, { group: { window_ms: 60_000, max_alerts: 3 } });
  offer('r1');
  offer('r2');
  offer('r1');
  offer('r1');
  await until(() => rx.on('/w').length === 1);
  t.same(JSON.parse(rx.on('/w')[0]!.body).alerts.map((a: { id: string }) => a.id), ['a0', 'a2', 'a3'], 'the third r1 alert sent the r1 group at once');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(rx.on('/w').length, 1, 'the r2 group still waits for its window');
  t.equal(log.length, 1);
});

t.test('commit points never pass an unfinished alert', async (t) => {
  const p = new PendingOffsets();
  p.add(0, 5n, 2);
  p.add(0, 6n, 0);
  p.add(0, 7n, 1);
  p.add(1, 3n, 0);
  t.same([...p.commitPoints()], [[0, 5n], [1, 4n]]);
  p.done(0, 5n);
  t.same(p.commitPoints().get(0), 5n, 'one of two routes finished offset 5');
  p.done(0, 5n);
  t.same(p.commitPoints().get(0), 7n, 'offset 6 needed no route; 7 is still open');
  p.done(0, 7n);
  t.same(p.commitPoints().get(0), 8n);
  t.equal(p.size, 0);
});
