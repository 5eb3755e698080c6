import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, composeSchema, sampleAlert, type Event } from '@tracehound/schemas';
import { eventually, recordProducer, testKafka, type TestKafka } from '@tracehound/testkit';
import { DLQ_HEADERS, topicName, valueSubject, type TopicId } from '@tracehound/kafka';
import { buildSink } from '../src/app.js';
import { SINK_TABLES } from '../src/tables.js';
import { RETENTION, count, embeddedClickHouse, embeddedClickHouseAt, freshEvents, scratchDir, switchableClickHouse } from './helpers.js';

/** Every topic the sink reads, and its dead letters. */
const SINK_TOPICS: TopicId[] = [...SINK_TABLES.map((x) => x.topic), 'deadLetter'];

async function producerFor(tk: TestKafka) {
  const p = await recordProducer(tk);
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    producer: p.producer,
    sendEvents: (list: Event[]) => p.sendEvents(list, (_, i) => `pod-${i % 7}`),
    sendAlerts: (n: number) => p.sendAlerts(Array.from({ length: n }, (_, i) => sampleAlert({ id: `a-${i}`, ts: now + BigInt(i) })), (_, i) => `pod-${i % 3}`),
  };
}

const sinkOptions = (tk: TestKafka, group: string) => ({
  kafka: tk.kafka,
  ddl: { database: 'sink', retention: RETENTION },
  registryUrl: tk.registryUrl,
  topicPrefix: tk.prefix,
  groupId: group,
  logger: silentLogger(),
  maxWaitMs: 100,
  retry: { initialDelayMs: 50, maxDelayMs: 200 },
});

t.test('N events and M alerts produced → exactly N + M rows (integration, real Kafka and chDB)', async (t) => {
  const tk = await testKafka('sink-basic', SINK_TOPICS);
  const p = await producerFor(tk);
  t.teardown(() => p.producer.disconnect());
  const ch = embeddedClickHouse(t);
  const sink = buildSink({ ...sinkOptions(tk, `${tk.prefix}.g`), clickhouse: ch });
  await sink.start();
  t.teardown(() => sink.close());
  await Promise.all([p.sendEvents(freshEvents(5000)), p.sendAlerts(40)]);
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) >= 5000 ? true : undefined), 30_000, '5000 rows');
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.alerts')) >= 40 ? true : undefined), 30_000, '40 alerts');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 5000, 'exactly N events');
  t.equal(await count(ch, 'SELECT count() FROM sink.alerts'), 40, 'exactly M alerts');
  t.equal(sink.ready(), true);
});

t.test('undecodable events are dead-lettered with the reason, found when consumed or when their block is encoded; the rest are stored (real Kafka and chDB)', async (t) => {
  const tk = await testKafka('sink-undecodable', SINK_TOPICS, 1);
  const p = await producerFor(tk);
  t.teardown(() => p.producer.disconnect());
  const codec = new RecordCodec(tk.registry, 'tracehound.Event');
  const topic = topicName(tk.prefix, 'eventsEnriched');
  await codec.register(valueSubject(topic));
  const events = freshEvents(300, 'undecodable');
  const whole = codec.encode(events[0]!);
  const idAndTs = 5 + 1 + Buffer.byteLength(events[0]!.id) + 3; // header, id (length byte and text), then into ts
  const bad = [
    { why: 'no Confluent header', value: Buffer.from('not avro at all') },
    { why: 'cut inside ts (found when consumed)', value: whole.subarray(0, idAndTs) },
    { why: 'cut after id and ts (found when its block is encoded)', value: whole.subarray(0, whole.length - 40) },
  ];
  await p.sendEvents(events.slice(0, 100));
  await p.producer.send(topic, bad.map((b) => ({ key: 'pod-0', value: b.value })));
  await p.sendEvents(events.slice(100));
  const dead: Array<{ code?: string; reason?: string; offset?: string }> = [];
  const dlq = tk.kafka.consumer({ groupId: `${tk.prefix}.dlq` });
  await dlq.connect();
  await dlq.subscribe({ topic: topicName(tk.prefix, 'deadLetter'), fromBeginning: true });
  await dlq.run({ eachMessage: async ({ message }) => void dead.push({ code: message.headers?.[DLQ_HEADERS.code]?.toString(), reason: message.headers?.[DLQ_HEADERS.reason]?.toString(), offset: message.headers?.[DLQ_HEADERS.offset]?.toString() }) });
  t.teardown(() => dlq.disconnect());
  const ch = embeddedClickHouse(t);
  const sink = buildSink({ ...sinkOptions(tk, `${tk.prefix}.g`), clickhouse: ch });
  await sink.start();
  t.teardown(() => sink.close());
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) >= 300 && dead.length >= 3 ? true : undefined), 30_000, '300 rows and 3 dead letters');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 300, 'every good event stored once');
  t.equal(await count(ch, 'SELECT uniqExact(id) FROM sink.events'), 300);
  dead.sort((a, b) => Number(a.offset) - Number(b.offset));
  t.same(dead.map((d) => [d.offset, d.code]), [['100', 'TH_ERR_DECODE'], ['101', 'TH_ERR_DECODE'], ['102', 'TH_ERR_DECODE']], 'the three bad records, each once, by offset');
  t.match(dead[0]!.reason, /Confluent/, bad[0]!.why);
  t.match(dead[1]!.reason, /does not decode with schema/, bad[1]!.why);
  t.match(dead[2]!.reason, /does not decode with schema/, bad[2]!.why);
});

t.test('events written with another compatible schema version are decoded when consumed and stored beside this build\'s (real Kafka, registry and chDB)', async (t) => {
  const tk = await testKafka('sink-schema-v2', SINK_TOPICS, 2);
  const p = await producerFor(tk); // registers this build's schema under the subject
  t.teardown(() => p.producer.disconnect());
  const topic = topicName(tk.prefix, 'eventsEnriched');
  const base = composeSchema('tracehound.Event') as { fields: Array<{ name: string }> };
  const v2 = { ...base, fields: [...base.fields, { name: 'sensor_version', type: ['null', 'string'], default: null }] };
  const { id } = await tk.registry.register({ type: 'AVRO', schema: JSON.stringify(v2) } as Parameters<typeof tk.registry.register>[0], { subject: valueSubject(topic), compatibility: 'FULL' as never });
  const events = freshEvents(100, 'v2');
  const older = await Promise.all(events.slice(0, 50).map((e) => tk.registry.encode(id, { ...e, sensor_version: '2.0' })));
  await p.producer.send(topic, older.map((value, i) => ({ key: `pod-${i % 7}`, value })));
  await p.sendEvents(events.slice(50));
  const ch = embeddedClickHouse(t);
  const sink = buildSink({ ...sinkOptions(tk, `${tk.prefix}.g`), clickhouse: ch });
  await sink.start();
  t.teardown(() => sink.close());
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) >= 100 ? true : undefined), 30_000, '100 rows');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 100, 'both versions stored, each once');
  t.equal(await count(ch, `SELECT count() FROM sink.events WHERE id IN (${events.slice(0, 50).map((e) => `'${e.id}'`).join(', ')})`), 50, 'every event of the other version, by id');
});

t.test('the sink killed (SIGKILL) mid-stream and restarted stores every event exactly once', async (t) => {
  const tk = await testKafka('sink-kill', SINK_TOPICS);
  const p = await producerFor(tk);
  t.teardown(() => p.producer.disconnect());
  const dataDir = scratchDir();
  const group = `${tk.prefix}.g`;
  const N = 20_000;
  await p.sendEvents(freshEvents(N));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/run-sink.ts', import.meta.url))], {
    env: { ...process.env, SINK_DATA_DIR: dataDir, SINK_PREFIX: tk.prefix, SINK_GROUP: group },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  // It stores the stream in batches of 200; once the first is stored, kill it without warning.
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('stored') && resolve());
    child.once('exit', (code) => reject(new Error(`sink child exited early (${code})`)));
  });
  child.kill('SIGKILL');
  await exited;
  const ch = embeddedClickHouseAt(t, dataDir);
  const before = await count(ch, 'SELECT count() FROM sink.events');
  t.ok(before > 0 && before < N, `killed mid-stream (${before} of ${N} stored)`);
  const sink = buildSink({ ...sinkOptions(tk, group), clickhouse: ch });
  await sink.start();
  t.teardown(() => sink.close());
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) >= N ? true : undefined), 60_000, `${N} rows`);
  await new Promise((r) => setTimeout(r, 1_000));
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), N, 'exactly N rows');
  t.equal(await count(ch, 'SELECT uniqExact(id) FROM sink.events'), N, 'no duplicates');
});

t.test('ClickHouse closed mid-stream and reopened: consumption pauses, resumes, nothing lost or doubled', async (t) => {
  const tk = await testKafka('sink-engine', SINK_TOPICS);
  const p = await producerFor(tk);
  t.teardown(() => p.producer.disconnect());
  const ch = switchableClickHouse(t);
  const sink = buildSink({ ...sinkOptions(tk, `${tk.prefix}.g`), clickhouse: ch, batchRows: 500 });
  await sink.start();
  t.teardown(() => sink.close());
  const events = freshEvents(6000);
  await p.sendEvents(events.slice(0, 3000));
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) > 0 ? true : undefined), 30_000, 'first rows');
  await ch.closeEngine();
  await p.sendEvents(events.slice(3000));
  await eventually(() => (sink.ready() ? undefined : true), 10_000, 'not ready while ClickHouse is away');
  t.match(sink.details(), { clickhouse: 'unavailable' });
  await new Promise((r) => setTimeout(r, 1_000));
  ch.reopenEngine();
  await eventually(async () => ((await count(ch, 'SELECT count() FROM sink.events')) >= 6000 ? true : undefined), 30_000, '6000 rows');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 6000, 'exactly N rows');
  t.equal(sink.ready(), true, 'ready again');
});
