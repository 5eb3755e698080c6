/**
 * The events table's write path alone, one part of it at a time: INSERT … SELECT of the same rows
 * from a Memory table (nothing to parse) into the table as migrated and into variants that each
 * change one thing — table layout (roll-up view, projection, skip indexes, deduplication window,
 * codecs, sort key, LowCardinality, Map columns, engine) or insert settings. Every variant table
 * gets its own roll-up view into its own roll-up table (as migrated), unless the variant is the
 * one without it, so each row differs from the first in exactly one respect. Every insert carries
 * a deduplication token, as the sink's do. Variants run interleaved (all once, then again), rows/s
 * median (min–max) of `repeats` runs.
 * Run: npx tsx bench/sink-write-path.ts [rows=100000] [repeats=3]
 */
import { EVENTS, type TableSpec } from '@tracehound/clickhouse';
import { eventsBench, withColumns } from './events-table-bench.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const REPEATS = Number(process.argv[3] ?? 3);
const bench = await eventsBench('th-bench-write-', { rows: N, idPrefix: 'w-', firstNs: (BigInt(Date.now()) - BigInt(N)) * 1_000_000n, partitions: 1 });
const { sql, cols } = bench;

interface Variant { name: string; spec: TableSpec; view?: boolean; settings?: string }
const variants: Variant[] = [
  { name: 'as migrated (roll-up view, projection, 4 skip indexes, dedup window, ZSTD, ReplacingMergeTree)', spec: EVENTS },
  { name: 'without the roll-up view', spec: EVENTS, view: false },
  { name: 'without the kafka_progress projection', spec: { ...EVENTS, projections: [] } },
  { name: 'without skip indexes', spec: { ...EVENTS, indexes: [] } },
  { name: 'without the deduplication window (events and roll-up)', spec: { ...EVENTS, dedupWindow: undefined } as TableSpec },
  { name: 'default LZ4 codecs', spec: withColumns(({ codec: _c, ...c }) => c) },
  { name: 'ZSTD(1) instead of ZSTD(3) (args, ancestor_args, details)', spec: withColumns((c) => ({ ...c, ...(c.codec ? { codec: c.codec.replace('ZSTD(3)', 'ZSTD(1)') } : {}) })) },
  { name: 'ts with ZSTD(1) only (no DoubleDelta)', spec: withColumns((c) => (c.name === 'ts' ? { ...c, codec: 'ZSTD(1)' } : c)) },
  { name: 'sorted by (ts, id)', spec: { ...EVENTS, orderBy: '(ts, id)' } },
  { name: 'String instead of LowCardinality(String)', spec: withColumns((c) => ({ ...c, type: c.type.replaceAll('LowCardinality(String)', 'String') })) },
  { name: 'maps as JSON String', spec: withColumns((c) => (c.type.startsWith('Map(') ? { ...c, type: 'String' } : c)) },
  { name: 'MergeTree instead of ReplacingMergeTree', spec: { ...EVENTS, engine: 'MergeTree', settings: { ttl_only_drop_parts: 1 } } },
  { name: 'insert setting optimize_on_insert = 0', spec: EVENTS, settings: 'optimize_on_insert = 0' },
  { name: 'insert setting max_insert_threads = 2', spec: EVENTS, settings: 'max_insert_threads = 2' },
  { name: 'insert setting min_insert_block_size_rows = 1,000,000, _bytes = 1 GiB', spec: EVENTS, settings: 'min_insert_block_size_rows = 1000000, min_insert_block_size_bytes = 1073741824' },
  { name: 'insert setting deduplicate_blocks_in_dependent_materialized_views = 1', spec: EVENTS, settings: 'deduplicate_blocks_in_dependent_materialized_views = 1' },
  { name: 'plain MergeTree: no view, projection, skip indexes, dedup window', spec: { ...EVENTS, engine: 'MergeTree', projections: [], indexes: [], dedupWindow: undefined, settings: { ttl_only_drop_parts: 1 } } as TableSpec, view: false },
];

// Each variant: its own events table and (unless without) its own roll-up table and view.
for (const [i, v] of variants.entries()) await bench.createVariant(`v${i}`, v.spec, v.view !== false);

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const summary = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return `${fmt(median(s))} (${fmt(s[0]!)}–${fmt(s[s.length - 1]!)})`;
};
const rates = variants.map(() => [] as number[]);
let run = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [i, v] of variants.entries()) {
    run++;
    const settings = [`insert_deduplication_token = 'copy:${run}'`, ...(v.settings ? [v.settings] : [])].join(', ');
    const t0 = process.hrtime.bigint();
    await sql(`INSERT INTO bench.v${i} (${cols.join(', ')}) SETTINGS ${settings} SELECT ${cols.join(', ')} FROM bench.src`);
    rates[i]!.push(N / seconds(t0));
    await sql(`TRUNCATE TABLE bench.v${i}`);
    if (v.view !== false) await sql(`TRUNCATE TABLE bench.v${i}_pm`);
  }
}
console.log(`events write path — ${fmt(N)} rows per insert, ${REPEATS} runs per variant, median (min–max) rows/s — ${machine()}`);
console.log('| variant | rows/s | vs as migrated |');
console.log('| --- | ---: | ---: |');
for (const [i, v] of variants.entries()) console.log(`| ${v.name} | ${summary(rates[i]!)} | ${(median(rates[i]!) / median(rates[0]!)).toFixed(2)}x |`);
await bench.close();
