/**
 * Enrichment on one core with 5,000 pods in the cache: events/s for the lookup-and-attach step
 * alone and for the whole per-event work of the service (Avro decode + enrich + Avro encode of
 * the enriched record), and the cache's memory per 1,000 pods. No Kafka and no API server (an
 * in-memory list stands in): this is the enricher's own cost. Needs the registry of the stack
 * (the codec registers its schema). Run: npx tsx bench/enricher-throughput.ts [pods]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry, type Event } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import type { KafkaMessage } from 'kafkajs';
import { createRequire } from 'node:module';
import kafkajs, { type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';
import { SchemaMatch, murmur2Partitioner } from '@tracehound/kafka';
import { EnrichedEncoder } from '../services/enricher/src/adapters/enriched-encoder.js';
import { rawEventDecoder, type RawEvent } from '../services/enricher/src/adapters/raw-event.js';
import { BatchEnricher } from '../services/enricher/src/handlers/enrich-batch.js';
import { annotationFilter } from '../services/enricher/src/kube/annotations.js';
import { ClusterCache } from '../services/enricher/src/kube/cluster-cache.js';
import { fakeKubeApi, makeEvents, makePods } from './enricher-fixtures.js';
import { fmt, machine, percentile } from './stats.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};

const PODS = Number(process.argv[2] ?? 5_000);
const BATCH = 1_000;
const ctl = { heartbeat: async () => undefined, isRunning: () => true };

const pods = makePods(PODS);
const events = makeEvents(pods, 20_000);

// Memory: heap growth from an empty cache to one holding every pod and namespace. The listed
// objects are fresh copies (as parsed from the API's JSON) and are garbage once projected.
const before = heapUsed();
const cache = new ClusterCache({
  api: fakeKubeApi(pods), cluster: 'bench', logger: silentLogger(), keepAnnotation: annotationFilter('kubectl.kubernetes.io/default-container,tracehound.dev/*'),
  deletedTtlMs: 300_000, resyncMs: 3_600_000,
});
cache.start();
await cache.waitSynced(30_000);
while (cache.pods.sizes.live < PODS) await new Promise((r) => setImmediate(r)); // owner lookups settle
const cacheBytes = heapUsed() - before;
await cache.stop();

const batch = new BatchEnricher({
  cluster: 'bench', holdMs: 0, canHold: () => false, changes: cache.pods.changes,
  lookup: { byContainerId: (id) => cache.pods.byContainerId(id), byPodUid: (u) => cache.pods.byPodUid(u) },
});

/** Events per second of CPU time of this process: "one core", and steady on a shared machine. */
async function rate(step: (from: number) => Promise<number>, ms = 3_000): Promise<number> {
  let at = 0;
  const next = async () => {
    const n = await step(at);
    at = (at + BATCH) % events.length;
    return n;
  };
  const warm = Date.now() + 700;
  while (Date.now() < warm) await next();
  let n = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) n += await next();
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

const items = events.map((event) => ({ event, key: null }));
const enrichOnly = await rate(async (i) => (await batch.enrich(items.slice(i, i + BATCH), ctl)).length);

const registry = createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL);
const codec = new RecordCodec(registry, 'tracehound.Event');
const match = new SchemaMatch(codec.type, registry);
match.add(await codec.register(`${uniquePrefix('bench-enricher')}.events.enriched-value`));
const encoder = new EnrichedEncoder(codec);
const raw = events.map((e) => codec.encode(e));
const fullPath = (encode: (e: Event) => Buffer) => rate(async (i) => {
  const decoded = raw.slice(i, i + BATCH).map((b) => ({ event: codec.decodeKnown(b)!, key: null }));
  const out = await batch.enrich(decoded, ctl);
  for (const o of out) encode(o.event);
  return out.length;
});
const full = await fullPath((e) => encoder.encode(e));
// The service's path: the routing fields read through a projection, the raw bytes spliced.
const readRaw = rawEventDecoder(codec, match);
const spliced = await rate(async (i) => {
  const recs = raw.slice(i, i + BATCH).map((value) => readRaw({ value } as KafkaMessage, 'raw') as RawEvent);
  const out = await batch.enrich(recs.map((r) => ({ event: r.event, key: null })), ctl);
  for (let j = 0; j < out.length; j++) encoder.splice(recs[j]!.layout!, out[j]!.outcome, out[j]!.event.k8s);
  return out.length;
});

// Added latency of the enrichment step itself: the time one consumed batch spends in it.
const stepMs: number[] = [];
for (let k = 0; k < 2_000; k++) {
  const at = (k * 500) % items.length;
  const t0 = performance.now();
  const out = await batch.enrich(items.slice(at, at + 500), ctl);
  for (const o of out) encoder.encode(o.event);
  stepMs.push(performance.now() - t0);
}
stepMs.sort((a, b) => a - b);
const fullPlain = await fullPath((e) => codec.encode(e));

// The producing side: kafkajs groups each request's messages by partition (its own code, as every
// produce request runs it) with a partitioner: its default against murmur2Partitioner, per
// request size (the enricher's keys: pod uids over 6 partitions).
type Group = (a: { topic: string; partitionMetadata: PartitionerArgs['partitionMetadata']; messages: Array<{ key: string; value: Buffer }>; partitioner: ReturnType<ICustomPartitioner> }) => unknown;
const groupMessages = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition') as Group;
const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
const grouping = (n: number, partitioner: ReturnType<ICustomPartitioner>) => {
  const messages = Array.from({ length: n }, (_, i) => ({ key: pods[i % pods.length]!.uid, value: raw[0]! }));
  const cpu = process.cpuUsage();
  let done = 0;
  while (done < 200_000) {
    groupMessages({ topic: 'bench', partitionMetadata, messages, partitioner });
    done += n;
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / done; // µs per message
};
const groupingRows = [500, 2_000, 5_000].map((n) => [n, grouping(n, kafkajs.Partitioners.DefaultPartitioner()), grouping(n, murmur2Partitioner())] as const);

console.log(`enricher benchmark — ${fmt(PODS)} pods (2 containers each, 50 namespaces) in cache, 90% container / 10% host events — ${machine()}`);
console.log('| step, per event | events/s (one core) |');
console.log('| --- | ---: |');
console.log(`| enrich: lookup + attach the k8s block | ${fmt(enrichOnly)} |`);
console.log(`| projection read + enrich + splice of the raw bytes (as the service does) | ${fmt(spliced)} (${fmt(spliced / full, 2)}× the next) |`);
console.log(`| Avro decode + enrich + Avro encode (K8s bytes cached per container; the service before the splice) | ${fmt(full)} |`);
console.log(`| same, encoding every K8s block afresh (baseline) | ${fmt(fullPlain)} |`);
console.log(`added latency per consumed batch of 500 events (enrich + encode): p50 ${fmt(percentile(stepMs, 50), 2)} ms, p99 ${fmt(percentile(stepMs, 99), 2)} ms`);
console.log('producing: kafkajs grouping a request by partition, CPU µs per message (6 partitions, pod uid keys):');
for (const [n, dflt, ours] of groupingRows) console.log(`  ${fmt(n)} messages per request: kafkajs's default partitioner ${fmt(dflt, 2)}, murmur2Partitioner ${fmt(ours, 2)} (${fmt(dflt / ours, 1)}×)`);
console.log(`cache memory: ${fmt(cacheBytes / 2 ** 20, 2)} MiB for ${fmt(PODS)} pods = ${fmt((cacheBytes / PODS) * 1000 / 2 ** 20, 2)} MiB per 1,000 pods (${fmt(cacheBytes / PODS)} bytes per pod)`);
