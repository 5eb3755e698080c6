/**
 * The sink end to end: enriched events already on Kafka (6 partitions, Avro) → sink → the events
 * table in embedded chDB, rows/s from the first fetched batch reaching the sink to the last row stored
 * (figures before 2026-11-29 counted from the first stored row, leaving out decoding the first fetch). Each run is a new consumer
 * group and database, reading the same records. Variants: the payload format (JSONCompactEachRow,
 * or Native written straight from the records), whether inserts fold equal keys (optimize_on_insert, the
 * engine's default, or 0 as the sink now sets), how many partitions' batches are stored at once
 * (1, or every batch of a fetch, whose rows the writer gathers into one insert per table), and
 * whether each batch is decoded and stored whole or in slices of an insert's worth of records
 * (well-compressed records make a batch of tens of thousands; peak heap and RSS are printed), and
 * whether events are decoded into objects when consumed or written to Native straight from their Avro
 * bodies (before 2026-11-29 the sink decoded them block by block while encoding: run an older
 * commit's bench for it). Baseline: the sink
 * before Native, JSONCompactEachRow through file(), folding, 1 partition at a time — the same
 * baseline as in earlier runs, so ratios of runs of different code compare.
 * Median (min–max) of `repeats` runs, variants interleaved so they share the machine's noise; also
 * the event-loop delay of the sink's thread (p99 and max, ms), which the API shares in `tracehound up`.
 * Needs the local stack (Kafka, registry). Run: npx tsx bench/sink-kafka.ts [events=100000] [repeats=3] [only=variant number, for a profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { createClickHouse, selectRows } from '@tracehound/clickhouse';
import { silentLogger } from '@tracehound/logging';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { SINK_PARTITIONS_AT_ONCE, SINK_BATCH_ROWS, SINK_TABLES, buildSink } from '@tracehound/sink-clickhouse';
import { recordProducer, testKafka } from '@tracehound/testkit';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const REPEATS = Number(process.argv[3] ?? 3);
const ONLY = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const tk = await testKafka('bench-sink', [...SINK_TABLES.map((t) => t.topic), 'deadLetter'], 6);
const producer = await recordProducer(tk);
const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const now = BigInt(Date.now()) * 1_000_000n;
for (let i = 0; i < N; i += 10_000) {
  await producer.sendEvents(Array.from({ length: Math.min(10_000, N - i) }, (_, j) => {
    const k = i + j;
    const e = sampleEnrichedEvent(kinds[k % 4]!, { id: `k-${k}`, ts: now - BigInt(N - k) * 1_000_000n });
    e.k8s = { ...e.k8s!, namespace: `ns-${k % 20}`, pod: `pod-${k % 60}`, pod_uid: `uid-${k % 60}` };
    return e;
  }));
}
await producer.producer.disconnect();

const dir = mkdtempSync(join(tmpdir(), 'th-bench-sink-kafka-'));
const ch = createClickHouse({ dataDir: dir, database: 'bench' });
// Variants measured before and settled (README): JSON without folding (0.77-1.07x of the baseline), 64 MiB fetches (0.81-1.11x of the default).
type Variant = { name: string; format: 'JSONCompactEachRow' | 'Native'; insertSettings: Record<string, number>; concurrently: number; recordsPerHandle?: number; defer?: boolean };
const WHOLE = Number.MAX_SAFE_INTEGER;
const variants: Variant[] = [
  { name: 'JSONCompactEachRow, folding on insert, 1 partition at a time (baseline: the sink before)', format: 'JSONCompactEachRow', insertSettings: {}, concurrently: 1, recordsPerHandle: WHOLE },
  { name: 'Native, optimize_on_insert = 0, 1 partition at a time, decoded when consumed (an insert per partition batch)', format: 'Native', insertSettings: { optimize_on_insert: 0 }, concurrently: 1, recordsPerHandle: WHOLE, defer: false },
  { name: 'Native, optimize_on_insert = 0, every partition of a fetch at once, whole batches decoded when consumed (one insert per fetch)', format: 'Native', insertSettings: { optimize_on_insert: 0 }, concurrently: SINK_PARTITIONS_AT_ONCE, recordsPerHandle: WHOLE, defer: false },
  { name: `as above, ${fmt(SINK_BATCH_ROWS)} records (an insert's worth) of each batch at a time, decoded when consumed`, format: 'Native', insertSettings: { optimize_on_insert: 0 }, concurrently: SINK_PARTITIONS_AT_ONCE, defer: false },
  { name: `as above, written to Native straight from the Avro bodies (the sink now)`, format: 'Native', insertSettings: { optimize_on_insert: 0 }, concurrently: SINK_PARTITIONS_AT_ONCE },
];
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const rates = new Map<string, number[]>(variants.map(({ name }) => [name, []]));
/** CPU of the whole process (Node threads and the in-process engine's) per stored row, and cores busy, over the same span as the rate. */
const cpu = new Map<string, Array<{ usPerRow: number; cores: number }>>(variants.map(({ name }) => [name, []]));
/** Peak heap used and RSS of the process while the sink ran (sampled every 50 ms), MiB. */
const peaks = new Map<string, Array<{ heap: number; rss: number }>>(variants.map(({ name }) => [name, []]));
/** Event-loop delay of the sink's thread while it ran, p99 and max, ms. */
const delays = new Map<string, Array<{ p99: number; max: number }>>(variants.map(({ name }) => [name, []]));
let run = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [v, { name, format, insertSettings, concurrently, recordsPerHandle, defer }] of variants.entries()) {
    if (ONLY !== undefined && v !== ONLY) continue;
    const database = `sk${run++}`;
    // The clock starts when the first fetched batch reaches the sink (decoding included), not at the first stored row.
    let first: { at: number; cpu: NodeJS.CpuUsage } | undefined;
    const kafka = new Proxy(tk.kafka, {
      get(target, prop, receiver) {
        if (prop !== 'consumer') return Reflect.get(target, prop, receiver) as unknown;
        return (cfg: Parameters<typeof target.consumer>[0]) => {
          const c = target.consumer(cfg);
          c.on(c.events.START_BATCH_PROCESS, () => void (first ??= { at: performance.now(), cpu: process.cpuUsage() }));
          return c;
        };
      },
    });
    const sink = buildSink({
      kafka, clickhouse: ch, ddl: { database, retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, registryUrl: tk.registryUrl,
      topicPrefix: tk.prefix, groupId: `${tk.prefix}.${database}`, logger: silentLogger(), insertVia: 'file', format, insertSettings, partitionsConcurrently: concurrently, ...(recordsPerHandle ? { recordsPerHandle } : {}), ...(defer === false ? { deferEventDecoding: false } : {}),
    });
    // How long the thread the sink runs on was held at a time (the API shares it in the all-in-one process).
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const peak = { heap: 0, rss: 0 };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.heap = Math.max(peak.heap, m.heapUsed / 2 ** 20);
      peak.rss = Math.max(peak.rss, m.rss / 2 ** 20);
    }, 50);
    await sink.start();
    const stored = async () => Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM ${database}.events`))[0]!.n);
    while ((await stored()) < N) await new Promise((r) => setTimeout(r, 20));
    const used = process.cpuUsage(first!.cpu);
    const wall = (performance.now() - first!.at) / 1000;
    rates.get(name)!.push(N / wall);
    cpu.get(name)!.push({ usPerRow: (used.user + used.system) / N, cores: (used.user + used.system) / 1e6 / wall });
    clearInterval(sampler);
    loopDelay.disable();
    peaks.get(name)!.push(peak);
    delays.get(name)!.push({ p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 });
    await sink.close();
    await ch.command({ query: `DROP DATABASE ${database} SYNC` });
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const base = median(rates.get(variants[ONLY ?? 0]!.name)!);
console.log(`sink end to end — ${fmt(N)} enriched events on 6 partitions → events table (chDB), ${REPEATS} runs per variant, median (min–max) rows/s — ${machine()}`);
console.log(`load average (1/5/15 min) at start ${loadAtStart}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| variant | rows/s | vs baseline | CPU µs per row (process) | cores busy | peak heap used / RSS, MiB | event-loop delay p99 / max, ms |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { name } of variants) {
  if (!rates.get(name)!.length) continue;
  const v = [...rates.get(name)!].sort((a, b) => a - b);
  const c = cpu.get(name)!;
  console.log(`| ${name} | ${fmt(median(v))} (${fmt(v[0]!)}–${fmt(v[v.length - 1]!)}) | ${(median(v) / base).toFixed(2)}x | ${fmt(median(c.map((x) => x.usPerRow)), 1)} | ${fmt(median(c.map((x) => x.cores)), 2)} | ${fmt(median(peaks.get(name)!.map((x) => x.heap)))} / ${fmt(median(peaks.get(name)!.map((x) => x.rss)))} | ${fmt(median(delays.get(name)!.map((x) => x.p99)))} / ${fmt(median(delays.get(name)!.map((x) => x.max)))} |`);
}
await ch.close();
rmSync(dir, { recursive: true, force: true });
