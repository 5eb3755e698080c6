/**
 * The sink's Native encoding of events alone (no Kafka, no engine): 20,000 enriched events as Avro
 * bodies → one Native payload of the events table. Baseline: decoding each body into an object
 * (avsc) and reading the columns from it (EVENT_NATIVE_COLUMNS), what the sink did before; against
 * writing the columns straight from the bodies (eventBodyColumns), what it does now. Both make the
 * same bytes (test/native.test.ts). µs per event, median of `rounds` (after one warm-up round),
 * variants alternating in the same process.
 * Run: npx tsx bench/event-encode.ts [rounds=9]
 */
import { EVENTS, EVENT_NATIVE_COLUMNS, encodeNative, eventBodyColumns } from '@tracehound/clickhouse';
import { avroType, sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { fmt, machine } from './stats.js';

const ROUNDS = Number(process.argv[2] ?? 9);
const N = 20_000;
const T = avroType('tracehound.Event');
const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const bodies = Array.from({ length: N }, (_, k) => {
  const e = sampleEnrichedEvent(kinds[k % 4]!, { id: `k-${k}`, ts: 1_764_000_000_000_000_000n + BigInt(k) });
  e.k8s = { ...e.k8s!, namespace: `ns-${k % 20}`, pod: `pod-${k % 60}` };
  return T.toBuffer(e);
});
const records = bodies.map((body, i) => ({ value: { body }, topic: 'tracehound.events.enriched', partition: 0, offset: String(i) }));
const direct = eventBodyColumns();
const variants: Array<[string, () => Buffer]> = [
  ['decoded into objects, columns read from them (baseline: the sink before)', () => encodeNative(EVENTS, records.map((r) => ({ ...r, value: T.fromBuffer(r.value.body) as Event })), EVENT_NATIVE_COLUMNS)],
  ['columns written straight from the Avro bodies (the sink now)', () => encodeNative(EVENTS, records, direct)],
];
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, run] of variants) {
    const t0 = performance.now();
    run();
    if (round > 0) times.get(name)!.push(((performance.now() - t0) * 1000) / N);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const base = median(times.get(variants[0]![0])!);
console.log(`Native encoding of ${fmt(N)} enriched events from Avro bodies, median of ${ROUNDS} rounds — ${machine()}`);
console.log('| variant | µs per event | events/s (one core) | vs baseline |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name] of variants) {
  const us = median(times.get(name)!);
  console.log(`| ${name} | ${us.toFixed(2)} | ${fmt(1e6 / us)} | ${(base / us).toFixed(2)}x |`);
}
