import t from 'tap';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { BatchConsumer, BatchingProducer, avroDecoder, topicName, valueSubject, type ConsumedRecord } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { eventually, testKafka } from '@tracehound/testkit';
import { EVENT_KIND_SYMBOLS, RecordCodec, composeSchema, createRegistry, sampleAlert, sampleEnrichedEvent, sampleEvent, type Alert, type Event } from '../src/index.js';

const EDGES = [0n, 2n ** 53n + 1n, 1_764_367_200_123_456_789n, 2n ** 63n - 1n];

t.test('every event kind and an alert: encode → produce → consume → decode equals the input', async (t) => {
  const { kafka, prefix, registryUrl } = await testKafka('codec-roundtrip', ['eventsRaw', 'alerts', 'deadLetter']);
  const registry = createRegistry(registryUrl);
  const events = new RecordCodec(registry, 'tracehound.Event');
  const alerts = new RecordCodec(registry, 'tracehound.Alert');
  const rawTopic = topicName(prefix, 'eventsRaw');
  const alertTopic = topicName(prefix, 'alerts');
  await events.register(valueSubject(rawTopic));
  await alerts.register(valueSubject(alertTopic));

  const sentEvents: Event[] = [];
  for (const kind of EVENT_KIND_SYMBOLS) sentEvents.push(sampleEvent(kind, { id: `raw-${kind}` }), sampleEnrichedEvent(kind, { id: `enr-${kind}` }));
  EDGES.forEach((ts, i) => sentEvents.push(sampleEvent('process_exec', { id: `edge-${i}`, ts, process: { ...sampleEvent().process!, start_time: ts } })));
  const sentAlert = sampleAlert({ stateful: { type: 'sequence', key: 'pod/1', window_start: 2n ** 60n + 7n, window_end: 2n ** 60n + 9n, count: 2, event_ids: ['a', 'b'] } });

  const producer = new BatchingProducer(kafka);
  await producer.connect();
  t.teardown(() => producer.disconnect());
  await producer.send(rawTopic, sentEvents.map((e) => ({ key: e.node, value: events.encode(e) })));
  await producer.send(alertTopic, [{ key: 'pod', value: alerts.encode(sentAlert) }]);

  // A reader that has never seen these schema ids learns them from the registry.
  const reader = new RecordCodec(createRegistry(registryUrl), 'tracehound.Event');
  const got = new Map<string, Event>();
  const consumer = new BatchConsumer<Event>(kafka, {
    groupId: `${prefix}.reader`, topics: [rawTopic], decode: avroDecoder(reader), logger: silentLogger(),
    deadLetter: { producer, topic: topicName(prefix, 'deadLetter') },
    handle: async (records: ConsumedRecord<Event>[]) => { for (const r of records) got.set(r.value.id, r.value); },
  });
  await consumer.start();
  t.teardown(() => consumer.stop());
  await eventually(() => (got.size === sentEvents.length ? true : undefined), 30_000, 'all events consumed');
  for (const e of sentEvents) t.same(got.get(e.id), e, e.id);
  for (const [i, ts] of EDGES.entries()) t.equal(got.get(`edge-${i}`)!.ts, ts, `nanosecond ts ${ts} exact`);

  const alertReader = new RecordCodec(createRegistry(registryUrl), 'tracehound.Alert');
  let gotAlert: Alert | undefined;
  const alertConsumer = new BatchConsumer<Alert>(kafka, {
    groupId: `${prefix}.alerts`, topics: [alertTopic], decode: avroDecoder(alertReader), logger: silentLogger(),
    deadLetter: { producer, topic: topicName(prefix, 'deadLetter') },
    handle: async (records) => { gotAlert = records[0]!.value; },
  });
  await alertConsumer.start();
  t.teardown(() => alertConsumer.stop());
  t.same(await eventually(() => gotAlert, 30_000, 'the alert'), sentAlert);
});

t.test('schema evolution: an optional field with a default registers; breaking changes are refused', async (t) => {
  const { prefix, registryUrl } = await testKafka('evolution', []);
  const registry = createRegistry(registryUrl);
  const subject = `${prefix}.events.raw-value`;
  const v1 = new RecordCodec(registry, 'tracehound.Event');
  const id1 = await v1.register(subject);

  const base = composeSchema('tracehound.Event') as { fields: Array<{ name: string }> };
  const v2 = { ...base, fields: [...base.fields, { name: 'sensor_version', type: ['null', 'string'], default: null }] };
  const reg = (schema: object) => registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY.FULL });
  const { id: id2 } = await reg(v2);
  t.not(id2, id1, 'v2 is a new version');

  const withoutNode = { ...v2, fields: v2.fields.filter((f) => f.name !== 'node') };
  t.match(await reg(withoutNode).catch((e: unknown) => e), { status: 409 }, 'removing a required field is refused');
  const requiredAdded = { ...v2, fields: [...v2.fields, { name: 'must_have', type: 'string' }] };
  t.match(await reg(requiredAdded).catch((e: unknown) => e), { status: 409 }, 'adding a required field without a default is refused');

  // Data written with v2 is read by this build (v1) and the new field is dropped.
  const writer = new RecordCodec(registry, 'tracehound.Event');
  const ev = sampleEvent('file_open');
  const v2Type = (await registry.getSchema(id2)) as unknown as { toBuffer(v: unknown): Buffer };
  const body = v2Type.toBuffer({ ...ev, sensor_version: '1.2.3' });
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
  framed.writeUInt32BE(id2, 1);
  t.same(await writer.decode(framed), ev, 'a v2 record decodes into this build\'s Event');
});

t.test('poison records land in the dead-letter topic with their reason; the consumer goes on', async (t) => {
  const { kafka, prefix, registryUrl } = await testKafka('poison', ['eventsRaw', 'deadLetter'], 1);
  const registry = createRegistry(registryUrl);
  const codec = new RecordCodec(registry, 'tracehound.Event');
  const rawTopic = topicName(prefix, 'eventsRaw');
  const dlqTopic = topicName(prefix, 'deadLetter');
  await codec.register(valueSubject(rawTopic));
  const producer = new BatchingProducer(kafka);
  await producer.connect();
  t.teardown(() => producer.disconnect());

  const good1 = sampleEvent('process_exec', { id: 'good-1' });
  const good2 = sampleEvent('net_connect', { id: 'good-2' });
  const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
  await producer.send(rawTopic, [
    { key: 'k1', value: codec.encode(good1) },
    { key: 'poison-json', value: Buffer.from('{"kind":"process_exec"}') },
    { key: 'poison-short', value: Buffer.from([0, 0, 0]) },
    { key: 'poison-body', value: Buffer.concat([codec.encode(good1).subarray(0, 5), Buffer.from([0xff, 0xff, 0xff])]) },
    { key: 'poison-unknown-id', value: unknownId },
    { key: 'k2', value: codec.encode(good2) },
  ]);

  const got: string[] = [];
  const consumer = new BatchConsumer<Event>(kafka, {
    groupId: `${prefix}.reader`, topics: [rawTopic], decode: avroDecoder(codec), logger: silentLogger(),
    deadLetter: { producer, topic: dlqTopic },
    handle: async (records) => { for (const r of records) got.push(r.value.id); },
  });
  await consumer.start();
  t.teardown(() => consumer.stop());

  const dead: Array<{ key: string; headers: Record<string, string>; value: Buffer | null }> = [];
  const dlqReader = kafka.consumer({ groupId: `${prefix}.dlq` });
  await dlqReader.connect();
  await dlqReader.subscribe({ topics: [dlqTopic], fromBeginning: true });
  await dlqReader.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      dead.push({ key: String(message.key), headers, value: message.value });
    },
  });
  t.teardown(() => dlqReader.disconnect());

  await eventually(() => (got.length === 2 && dead.length === 4 ? true : undefined), 30_000, '2 good records and 4 dead letters');
  t.same(got, ['good-1', 'good-2'], 'the good records around the poison ones are handled, in order');
  const byKey = Object.fromEntries(dead.map((d) => [d.key, d]));
  t.match(byKey['poison-json']!.headers, { 'tracehound.error.code': 'TH_ERR_DECODE', 'tracehound.error.reason': /magic byte is 123/, 'tracehound.source.topic': rawTopic, 'tracehound.source.offset': '1' });
  t.equal(byKey['poison-json']!.value!.toString(), '{"kind":"process_exec"}', 'original bytes kept');
  t.match(byKey['poison-short']!.headers, { 'tracehound.error.reason': /shorter than the 5-byte Confluent header/ });
  t.match(byKey['poison-body']!.headers, { 'tracehound.error.reason': /does not decode with schema/ });
  t.match(byKey['poison-unknown-id']!.headers, { 'tracehound.error.reason': /schema id 2147483632 is unknown to the registry/ });

  // The consumer committed past the poison: a new member of the group starts after it.
  const committed = await kafka.admin();
  await committed.connect();
  const offsets = await committed.fetchOffsets({ groupId: `${prefix}.reader`, topics: [rawTopic] });
  await committed.disconnect();
  t.equal(offsets[0]!.partitions[0]!.offset, '6', 'offset committed after the whole batch');
});
