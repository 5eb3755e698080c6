/**
 * Produce and consume rates against the local broker (`tracehound stack up` first), with the
 * batching producer and each compression codec, and per-message awaited sends as the baseline.
 * Run: npx tsx bench/kafka-throughput.ts [messages]
 */
import { BatchConsumer, BatchingProducer, createKafka, provisionTopics, topicName, type CompressionName } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry, sampleEnrichedEvent } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 200_000);
const cfg = stackConfig();
const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench', logger: silentLogger() });
const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event');

async function freshTopic(): Promise<{ prefix: string; topic: string }> {
  const prefix = uniquePrefix('bench');
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['eventsRaw', 'deadLetter'] });
  await admin.disconnect();
  return { prefix, topic: topicName(prefix, 'eventsRaw') };
}

const payloads = Array.from({ length: 1000 }, (_, i) => sampleEnrichedEvent('process_exec', { id: `bench-${i}`, process: { ...sampleEnrichedEvent().process!, pid: 1000 + i } }));

async function produce(compression: CompressionName, n: number, awaitEach: boolean): Promise<{ rate: number; topic: string; prefix: string; bytes: number }> {
  const { topic, prefix } = await freshTopic();
  await codec.register(`${topic}-value`);
  const values = payloads.map((p) => codec.encode(p));
  const producer = new BatchingProducer(kafka, { compression });
  await producer.connect();
  const start = performance.now();
  if (awaitEach) {
    // Baseline: plain kafkajs, one awaited send per message, as a naive producer would do.
    const plain = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await plain.connect();
    for (let i = 0; i < n; i++) await plain.send({ topic, acks: -1, messages: [{ key: `node-a/${i % 50}`, value: values[i % values.length]! }] });
    await plain.disconnect();
  } else {
    const chunk = 1_000;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < n; i += chunk) {
      const msgs = Array.from({ length: Math.min(chunk, n - i) }, (_, j) => ({ key: `node-a/${(i + j) % 50}`, value: values[(i + j) % values.length]! }));
      pending.push(producer.send(topic, msgs));
      if (pending.length >= 20) await pending.shift();
    }
    await Promise.all(pending);
  }
  const secs = (performance.now() - start) / 1000;
  await producer.disconnect();
  return { rate: n / secs, topic, prefix, bytes: values[0]!.length };
}

async function consume(topic: string, prefix: string, n: number): Promise<number> {
  let seen = 0;
  let start = 0;
  const dlq = new BatchingProducer(kafka);
  await dlq.connect();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const consumer = new BatchConsumer(kafka, {
    groupId: `${prefix}.bench`, topics: [topic], logger: silentLogger(),
    decode: (m) => codec.decodeKnown(m.value!) ?? codec.decode(m.value!),
    deadLetter: { producer: dlq, topic: topicName(prefix, 'deadLetter') },
    handle: async (records) => {
      if (!start) start = performance.now();
      seen += records.length;
      if (seen >= n) done();
    },
  });
  await consumer.start();
  await finished;
  const rate = n / ((performance.now() - start) / 1000);
  await consumer.stop();
  await dlq.disconnect();
  return rate;
}

console.log(`Kafka throughput — ${fmt(N)} enriched exec events (Avro) to a 6-partition topic, acks=all, idempotent — ${machine()}`);
const baselineN = Math.min(N, 5_000);
const baseline = await produce('none', baselineN, true);
console.log(`| mode | compression | produce msg/s | consume+decode msg/s |`);
console.log(`| --- | --- | ---: | ---: |`);
console.log(`| kafkajs send per message, awaited (baseline, ${fmt(baselineN)} msgs) | none | ${fmt(baseline.rate)} | – |`);
for (const c of ['none', 'gzip', 'lz4'] as const) {
  const p = await produce(c, N, false);
  const r = await consume(p.topic, p.prefix, N);
  console.log(`| batched | ${c} | ${fmt(p.rate)} | ${fmt(r)} |`);
}
console.log(`record size: ${baseline.bytes} bytes (Avro, framed)`);
