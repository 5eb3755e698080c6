/**
 * Latency the enricher adds: events produced to events.raw at a steady rate, timed from their
 * send to their arrival on events.enriched, through the enricher (5,000 pods in its cache), and
 * through a pass-through stage built from the same consumer and producer (decode, re-encode,
 * produce) as the baseline. Both with the local stack's Kafka; the Kubernetes API is an in-memory
 * list (the API is not on the event path). Run: npx tsx bench/enricher-latency.ts [events/s] [seconds]
 */
import { BatchConsumer, BatchingProducer, avroDecoder, createKafka, provisionTopics, topicName, valueSubject } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry, type Event } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { loadConfig } from '@tracehound/config';
import { EnricherServiceConfig, createEnricher } from '../services/enricher/src/app.js';
import { fakeKubeApi, makeEvents, makePods } from './enricher-fixtures.js';
import { fmt, machine, percentile } from './stats.js';

const RATE = Number(process.argv[2] ?? 2_000);
const SECONDS = Number(process.argv[3] ?? 10);
const cfg = stackConfig();
const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-enricher', logger: silentLogger() });
const pods = makePods(5_000);
const templates = makeEvents(pods, 10_000);

async function topics(prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['eventsRaw', 'eventsEnriched', 'deadLetter'] });
  await admin.disconnect();
}

/** Sends RATE events/s for SECONDS (ts = send time), and returns each one's send→enriched latency in ms. */
async function measure(prefix: string, seconds = SECONDS): Promise<number[]> {
  const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event');
  const raw = topicName(prefix, 'eventsRaw');
  await codec.register(valueSubject(raw));
  const producer = new BatchingProducer(kafka, { lingerMs: 1 });
  await producer.connect();
  const latencies: number[] = [];
  const total = RATE * seconds;
  const reader = new BatchConsumer<Event>(kafka, {
    groupId: `${prefix}.reader.${seconds}`, topics: [topicName(prefix, 'eventsEnriched')], logger: silentLogger(), fromBeginning: true,
    decode: avroDecoder(new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event')),
    deadLetter: { producer, topic: topicName(prefix, 'deadLetter') },
    handle: async (records) => {
      const now = process.hrtime.bigint();
      for (const r of records) if (r.value.id.startsWith(`lat-${seconds}-`)) latencies.push(Number(now - r.value.ts) / 1e6);
    },
  });
  await reader.start();
  await new Promise((r) => setTimeout(r, 3_000)); // group joined
  // ts carries the send time on the monotonic clock: the reader subtracts it on arrival.
  const tick = 10;
  const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
  let sent = 0;
  const start = Date.now();
  while (sent < total) {
    const now = process.hrtime.bigint();
    const batch = Array.from({ length: Math.min(perTick, total - sent) }, (_, j) => ({ ...templates[(sent + j) % templates.length]!, id: `lat-${seconds}-${sent + j}`, ts: now }));
    void producer.send(raw, batch.map((e) => ({ key: `${e.node}/${e.process?.container_id ?? ''}`, value: codec.encode(e) })));
    sent += batch.length;
    const due = start + (sent / RATE) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  const deadline = Date.now() + 60_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await reader.stop();
  await producer.disconnect();
  return latencies.sort((a, b) => a - b);
}

/** Baseline: the same consumer → producer hop with no enrichment. */
async function passThrough(prefix: string): Promise<() => Promise<void>> {
  const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event');
  const enriched = topicName(prefix, 'eventsEnriched');
  await codec.register(valueSubject(enriched));
  const producer = new BatchingProducer(kafka);
  await producer.connect();
  const consumer = new BatchConsumer<Event>(kafka, {
    groupId: `${prefix}.pass`, topics: [topicName(prefix, 'eventsRaw')], logger: silentLogger(), decode: avroDecoder(codec),
    deadLetter: { producer, topic: topicName(prefix, 'deadLetter') },
    handle: async (records) => producer.send(enriched, records.map((r) => ({ key: r.key, value: codec.encode(r.value) }))),
  });
  await consumer.start();
  return async () => {
    await consumer.stop();
    await producer.disconnect();
  };
}

function row(name: string, l: number[]): string {
  return `| ${name} | ${fmt(l.length)} | ${fmt(percentile(l, 50), 1)} | ${fmt(percentile(l, 99), 1)} |`;
}

const basePrefix = uniquePrefix('bench-lat-base');
await topics(basePrefix);
const stopBase = await passThrough(basePrefix);
await measure(basePrefix, 3); // warm-up (JIT, connections), discarded
const base = await measure(basePrefix);
await stopBase();

const enrPrefix = uniquePrefix('bench-lat-enr');
await topics(enrPrefix);
const enricher = createEnricher(loadConfig(EnricherServiceConfig, {
  ...process.env, TRACEHOUND_TOPIC_PREFIX: enrPrefix, TRACEHOUND_ENRICHER_GROUP: `${enrPrefix}.enricher`, TRACEHOUND_TOPIC_PARTITIONS: '6',
}), { logger: silentLogger(), kafka, kube: fakeKubeApi(pods) });
await enricher.start();
await measure(enrPrefix, 3);
const enr = await measure(enrPrefix);
await enricher.close();

console.log(`enricher latency — ${fmt(RATE)} events/s for ${SECONDS} s, 6 partitions, 5,000 pods in cache — ${machine()}`);
console.log('| path (raw send → enriched arrival) | events | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: | ---: |');
console.log(row('pass-through stage (same consumer + producer, no enrichment)', base));
console.log(row('enricher', enr));
console.log(`added by enrichment: p50 ${fmt(percentile(enr, 50) - percentile(base, 50), 1)} ms, p99 ${fmt(percentile(enr, 99) - percentile(base, 99), 1)} ms`);
process.exit(0);
