/**
 * The sink end to end: enriched events already on Kafka (6 partitions, Avro) → sink → the events
 * table in embedded chDB, rows/s from the first stored row to the last. Each run is a new consumer
 * group and database, reading the same records. Variants: the payload format (JSONCompactEachRow,
 * or Native written straight from the records), whether inserts fold equal keys (optimize_on_insert, the
 * engine's default, or 0 as the sink now sets), and how many partitions' batches are stored at
 * once (1; 2 so one is decoded and encoded while another is in the engine; or every batch of a
 * fetch, whose rows the writer gathers into one insert per table — with 2, the two are gathered too). Baseline: the sink
 * before Native, JSONCompactEachRow through file(), folding, 1 partition at a time — the same
 * baseline as in earlier runs, so ratios of runs of different code compare.
 * Median (min–max) of `repeats` runs, variants interleaved so they share the machine's noise.
 * Needs the local stack (Kafka, registry). Run: npx tsx bench/sink-kafka.ts [events=100000] [repeats=3] [only=variant number, for a profile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, selectRows } from '@tracehound/clickhouse';
import { silentLogger } from '@tracehound/logging';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { SINK_PARTITIONS_AT_ONCE, SINK_TABLES, buildSink } from '@tracehound/sink-clickhouse';
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
const variants: Array<[string, 'JSONCompactEachRow' | 'Native', Record<string, number>, number, number?]> = [
  ['JSONCompactEachRow, folding on insert, 1 partition at a time (baseline: the sink before)', 'JSONCompactEachRow', {}, 1],
  ['Native, optimize_on_insert = 0, 1 partition at a time (an insert per partition batch)', 'Native', { optimize_on_insert: 0 }, 1],
  ['Native, optimize_on_insert = 0, 2 partitions at a time (their rows in one insert)', 'Native', { optimize_on_insert: 0 }, 2],
  ['Native, optimize_on_insert = 0, every partition of a fetch at once, one insert (the sink now)', 'Native', { optimize_on_insert: 0 }, SINK_PARTITIONS_AT_ONCE],
];
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
/** CPU of the whole process (Node threads and the in-process engine's) per stored row, and cores busy, over the same span as the rate. */
const cpu = new Map<string, Array<{ usPerRow: number; cores: number }>>(variants.map(([name]) => [name, []]));
let run = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [v, [name, format, insertSettings, concurrently, fetchMaxBytes]] of variants.entries()) {
    if (ONLY !== undefined && v !== ONLY) continue;
    const database = `sk${run++}`;
    const sink = buildSink({
      kafka: tk.kafka, clickhouse: ch, ddl: { database, retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, registryUrl: tk.registryUrl,
      topicPrefix: tk.prefix, groupId: `${tk.prefix}.${database}`, logger: silentLogger(), insertVia: 'file', format, insertSettings, partitionsConcurrently: concurrently, ...(fetchMaxBytes ? { fetchMaxBytes } : {}),
    });
    await sink.start();
    const stored = async () => Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM ${database}.events`))[0]!.n);
    let first: { at: number; n: number; cpu: NodeJS.CpuUsage } | undefined;
    for (;;) {
      const n = await stored();
      if (n > 0 && !first) first = { at: performance.now(), n, cpu: process.cpuUsage() };
      if (n >= N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const used = process.cpuUsage(first!.cpu);
    const wall = (performance.now() - first!.at) / 1000;
    rates.get(name)!.push((N - first!.n) / wall);
    cpu.get(name)!.push({ usPerRow: (used.user + used.system) / (N - first!.n), cores: (used.user + used.system) / 1e6 / wall });
    await sink.close();
    await ch.command({ query: `DROP DATABASE ${database} SYNC` });
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const base = median(rates.get(variants[ONLY ?? 0]![0])!);
console.log(`sink end to end — ${fmt(N)} enriched events on 6 partitions → events table (chDB), ${REPEATS} runs per variant, median (min–max) rows/s — ${machine()}`);
console.log(`load average (1/5/15 min) at start ${loadAtStart}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| variant | rows/s | vs baseline | CPU µs per row (process) | cores busy |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name] of variants) {
  if (!rates.get(name)!.length) continue;
  const v = [...rates.get(name)!].sort((a, b) => a - b);
  const c = cpu.get(name)!;
  console.log(`| ${name} | ${fmt(median(v))} (${fmt(v[0]!)}–${fmt(v[v.length - 1]!)}) | ${(median(v) / base).toFixed(2)}x | ${fmt(median(c.map((x) => x.usPerRow)), 1)} | ${fmt(median(c.map((x) => x.cores)), 2)} |`);
}
await ch.close();
rmSync(dir, { recursive: true, force: true });
