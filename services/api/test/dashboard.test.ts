import t from 'tap';
import { sampleEvent, type Event } from '@tracehound/schemas';
import { BatchingProducer, topicName } from '@tracehound/kafka';
import { testKafka } from '@tracehound/testkit';
import { seedEvents, storeAlerts, storeEvents, testApi } from './helpers.js';

type Item = { key: string; count: number };
const tally = (events: Event[], key: (e: Event) => string | null) => {
  const out: Record<string, number> = {};
  for (const e of events) {
    const k = key(e);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const asMap = (items: Item[]) => Object.fromEntries(items.map((x) => [x.key, x.count]));

t.test('top pods, processes and destinations equal the raw events, within the caller scope; bad input names the field', async (t) => {
  const a = await testApi(t);
  const events = seedEvents(2000);
  await storeEvents(a.ch, events);
  const top = async (by: string, token = a.admin, extra = '&limit=100') => (await a.get(`/api/v1/stats/events/top-detail?by=${by}${extra}`, token));
  t.same(asMap((await top('pod')).body.items), tally(events, (e) => (e.k8s?.pod ? `${e.k8s.namespace}/${e.k8s.pod}` : null)));
  t.same(asMap((await top('process')).body.items), tally(events, (e) => e.process?.comm ?? null));
  const dst = tally(events, (e) => (e.net?.dst_addr && e.net.direction !== 'inbound' ? (e.net.dst_addr.includes(':') ? `[${e.net.dst_addr}]:${e.net.dst_port}` : `${e.net.dst_addr}:${e.net.dst_port}`) : null));
  const d = (await top('destination')).body.items as Item[];
  t.equal(d.length, Math.min(100, Object.keys(dst).length));
  t.ok(d.every((x) => dst[x.key] === x.count), 'every destination counted as in the raw events (outbound only)');
  t.same(d.slice(0, 2).map((x) => x.key).sort(), ['169.254.169.254:80', '[2001:db8::7]:443'], 'the busiest first; IPv6 bracketed');
  const first = (await top('process')).body.items as Item[];
  t.ok(first[0]!.count >= first[1]!.count, 'largest first');
  t.equal((await top('pod', a.admin, '&limit=2')).body.items.length, 2);

  const shop = await a.user('viewer', ['shop']);
  const scoped = (await top('pod', shop)).body.items as Item[];
  t.ok(scoped.length > 0 && scoped.every((x) => x.key.startsWith('shop/')), 'a scoped caller sees its namespaces only');
  t.same(asMap((await top('process', shop)).body.items), tally(events.filter((e) => e.k8s?.namespace === 'shop' && e.enrichment !== 'host'), (e) => e.process?.comm ?? null));

  const bad = await top('uid');
  t.equal(bad.status, 400);
  t.equal(bad.body.field, 'by');
  t.equal((await a.get('/api/v1/stats/events/top-detail?by=pod', '')).status, 401);
  t.equal((await top('pod', a.admin, '&from=2026-13-01T00:00:00Z')).body.field, 'from');
});

t.test('pipeline health: agent counters from agent_stats events, rows stored, scope; without Kafka it says why', async (t) => {
  const a = await testApi(t);
  const now = BigInt(Date.now()) * 1_000_000n;
  const stats = [0, 1, 2, 3].map((i) => {
    const e = sampleEvent('agent_stats', { id: `st-${i}`, ts: now - BigInt(i + 1) * 1_000_000_000n, node: `node-${i % 2}` });
    e.stats = { ...e.stats!, events_by_kind: { process_exec: 10 * (i + 1) }, kernel_drops: i, decode_errors: 1, spool_drops: i === 3 ? 5 : 0, spool_records: 100 + i, loader_restarts: i === 0 ? 1 : 0 };
    return e;
  });
  const events = seedEvents(300);
  await storeEvents(a.ch, [...events, ...stats]);
  await storeAlerts(a.ch, 8);
  const h = await a.get('/api/v1/pipeline/health', a.admin);
  t.equal(h.status, 200);
  t.match(h.body.agents.total, { reports: 4, events: 100, kernelDrops: 6, decodeErrors: 4, spoolDrops: 5, loaderRestarts: 1 });
  t.same(h.body.agents.nodes.map((n: { node: string }) => n.node), ['node-0', 'node-1']);
  t.equal(h.body.agents.nodes[0].spoolRecords, 100, 'the spool as of the newest report of node-0 (st-0)');
  t.equal(h.body.agents.total.spoolRecords, 201, 'summed over nodes');
  t.equal(h.body.stored.events, 304);
  t.equal(h.body.stored.alerts, 8);
  t.match(h.body.kafka, { available: false, reason: /no Kafka/ });
  const shop = await a.user('viewer', ['shop']);
  const scoped = await a.get('/api/v1/pipeline/health', shop);
  t.equal(scoped.body.agents, null, 'agent counters are host events: not for a namespace scope');
  t.equal(scoped.body.stored.events, events.filter((e) => e.k8s?.namespace === 'shop' && e.enrichment !== 'host').length);
  const old = await a.get('/api/v1/pipeline/health?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', a.admin);
  t.match(old.body, { agents: { total: { reports: 0 }, nodes: [] }, stored: { events: 0 } });
});

t.test('pipeline health: consumer lag per stage and dead letters from the broker (integration)', async (t) => {
  const tk = await testKafka('api-pipeline', ['eventsRaw', 'eventsEnriched', 'alerts', 'rules', 'deadLetter'], 2);
  const groups = { enricher: `${tk.prefix}.enricher`, detector: `${tk.prefix}.detector`, sink: `${tk.prefix}.sink` };
  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix }, ui: { stageGroups: groups } });
  await a.api.kafkaReady;
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const raw = topicName(tk.prefix, 'eventsRaw');
  await producer.send(raw, Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: Buffer.from('x'), partition: i % 2 })));
  await producer.send(topicName(tk.prefix, 'deadLetter'), [{ key: 'bad', value: Buffer.from('?') }, { key: 'bad2', value: Buffer.from('?') }]);
  const admin = tk.kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: groups.enricher, topic: raw, partitions: [{ partition: 0, offset: '3' }] });
  await admin.disconnect();
  const h = await a.get('/api/v1/pipeline/health', a.admin);
  t.equal(h.body.kafka.available, true);
  const enricher = h.body.kafka.stages.find((s: { stage: string }) => s.stage === 'enricher');
  t.match(enricher, { group: groups.enricher, topic: raw, end: 10, committed: 3, lag: 7 }, 'partition 0 read to 3 of 5; partition 1 never committed');
  t.match(h.body.kafka.stages.find((s: { stage: string }) => s.stage === 'detector'), { end: 0, lag: 0 });
  t.equal(h.body.kafka.deadLetters, 2);
  t.equal(h.body.kafka.stages.length, 4, 'enricher, detector, sink (events and alerts)');
});
