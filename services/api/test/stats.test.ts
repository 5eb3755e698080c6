import t from 'tap';
import { seedEvents, storeAlerts, storeEvents, testApi } from './helpers.js';

t.test('stats from the roll-ups agree with the raw events and alerts, and follow the caller scope', async (t) => {
  const a = await testApi(t);
  const events = seedEvents(3000);
  await storeEvents(a.ch, events);
  await storeAlerts(a.ch, 40);
  const top = await a.get('/api/v1/stats/events/top?by=namespace', a.admin);
  t.equal(top.status, 200);
  const byNs: Record<string, number> = {};
  for (const e of events) byNs[e.k8s?.namespace ?? ''] = (byNs[e.k8s?.namespace ?? ''] ?? 0) + 1;
  t.same(Object.fromEntries(top.body.items.map((x: { key: string; count: number }) => [x.key, x.count])), byNs);
  const series = await a.get('/api/v1/stats/events/timeseries?interval=1m&by=kind', a.admin);
  t.equal(series.status, 200);
  t.equal(series.body.points.reduce((s: number, p: { count: number }) => s + p.count, 0), 3000, 'the series sums to every event');
  const total = await a.get('/api/v1/stats/events/timeseries?interval=1h', a.admin);
  t.equal(total.body.points.reduce((s: number, p: { count: number }) => s + p.count, 0), 3000);
  const sev = await a.get('/api/v1/stats/alerts/top?by=severity', a.admin);
  t.same(sev.body.items.map((x: { count: number }) => x.count), [10, 10, 10, 10]);
  const rules = await a.get('/api/v1/stats/alerts/timeseries?by=rule&interval=1d', a.admin);
  t.equal(rules.body.points.reduce((s: number, p: { count: number }) => s + p.count, 0), 40);

  const shopViewer = await a.user('viewer', ['shop']);
  const scoped = await a.get('/api/v1/stats/events/top?by=namespace', shopViewer);
  t.same(scoped.body.items, [{ key: 'shop', count: byNs.shop }], 'a scoped user sees only its namespaces in stats');
  const scopedSeries = await a.get('/api/v1/stats/events/timeseries?interval=1h', shopViewer);
  t.equal(scopedSeries.body.points.reduce((s: number, p: { count: number }) => s + p.count, 0), byNs.shop);
  const scopedAlerts = await a.get('/api/v1/stats/alerts/top?by=namespace', shopViewer);
  t.same(scopedAlerts.body.items.map((x: { key: string }) => x.key), ['shop']);

  t.equal((await a.get('/api/v1/stats/events/top?by=pod', a.admin)).status, 400, 'dimensions come from an allow-list');
  t.equal((await a.get('/api/v1/stats/events/timeseries?by=namespace%3B%20DROP%20TABLE%20x', a.admin)).status, 400);
  t.equal((await a.get('/api/v1/stats/events/timeseries?interval=1m&from=2020-01-01T00:00:00Z', a.admin)).status, 400, 'too many points is refused');
});
