import t from 'tap';
import { silentLogger } from '@tracehound/logging';
import { sampleAlert, sampleEnrichedEvent } from '@tracehound/schemas';
import { SINK_TABLES, buildSink } from '@tracehound/sink-clickhouse';
import { eventually, recordProducer, testKafka } from '@tracehound/testkit';
import { DB, RETENTION, testApi } from './helpers.js';

t.test('sink and API in one process on one ClickHouse client: produced events and alerts come back through the API (integration)', async (t) => {
  const tk = await testKafka('api-all-in-one', [...SINK_TABLES.map((x) => x.topic), 'rules', 'deadLetter']);
  const a = await testApi(t);
  const sink = buildSink({
    kafka: tk.kafka, clickhouse: a.ch, ddl: { database: DB, retention: RETENTION }, registryUrl: tk.registryUrl, topicPrefix: tk.prefix,
    groupId: `${tk.prefix}.sink`, logger: silentLogger(), maxWaitMs: 100,
  });
  await sink.start();
  t.teardown(() => sink.close());
  const producer = await recordProducer(tk);
  t.teardown(() => producer.producer.disconnect());
  const now = BigInt(Date.now()) * 1_000_000n;
  const list = Array.from({ length: 300 }, (_, i) => sampleEnrichedEvent(i % 2 ? 'net_connect' : 'process_exec', { id: `aio-${i}`, ts: now - BigInt(i) * 1_000_000n + 7n }));
  await producer.sendEvents(list);
  await producer.sendAlerts([sampleAlert({ id: 'aio-alert', ts: now, event: list[0]! })], () => 'p');

  const page = await eventually(async () => {
    const r = await a.get('/api/v1/events?limit=1000', a.admin);
    return r.body.items?.length === 300 ? r.body : undefined;
  }, 30_000, '300 events through the API');
  const first = page.items.find((x: { id: string }) => x.id === 'aio-0');
  t.equal(first.ts, (now + 7n).toString(), 'nanoseconds survive Kafka, the sink, ClickHouse and the API');
  t.same(first.details.exec, list[0]!.exec);
  const net = await a.get('/api/v1/events?dst=169.254.169.254%2F32&port=80&limit=1000', a.admin);
  t.equal(net.body.items.length, 150, 'the computed destination column works on sink-written rows');
  const alert = await eventually(async () => {
    const r = await a.get('/api/v1/alerts/aio-alert', a.admin);
    return r.status === 200 ? r.body : undefined;
  }, 30_000, 'the alert through the API');
  t.equal(alert.event.id, 'aio-0');
  const stats = await a.get('/api/v1/stats/events/top?by=kind', a.admin);
  t.same(stats.body.items.map((x: { count: number }) => x.count), [150, 150], 'roll-ups filled by the sink');
});
