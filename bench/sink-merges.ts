/**
 * What the events table's background merges cost, by table layout and merge setting. In the
 * pipeline at 20k events/s chDB's merge threads take about three times the CPU of its insert
 * threads, so a layout is judged here by the engine's whole cost of a row: the inserts of a
 * stream of parts, then every merge the engine chooses for them until it stops merging.
 * Each variant gets its own table (and roll-up view, as migrated, unless it is the barest); `parts` inserts of `rows` rows
 * each, as the sink makes them (a deduplication token each, optimize_on_insert = 0), copied from
 * a Memory table with new ids and times so no two rows fold. CPU is read per engine thread from
 * /proc (insert threads vs MergeMutate), from the first insert until no merge has run for 2 s.
 * Variants interleave (all once, then again); median (min–max) of `repeats` runs.
 * Run: npx tsx bench/sink-merges.ts [rows=13000] [parts=40] [repeats=2]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { EVENTS, selectRows, type TableSpec } from '@tracehound/clickhouse';
import { eventsBench, withColumns } from './events-table-bench.js';
import { fmt, machine } from './stats.js';

const ROWS = Number(process.argv[2] ?? 13_000);
const PARTS = Number(process.argv[3] ?? 40);
const REPEATS = Number(process.argv[4] ?? 2);
const bench = await eventsBench('th-bench-merges-', { rows: ROWS, idPrefix: 'm-', firstNs: (BigInt(Date.now()) - 3_600_000n) * 1_000_000n, partitions: 6 });
const { ch, sql, cols } = bench;

/** Every ZSTD codec replaced by LZ4 (DoubleDelta and Delta kept). */
const lz4 = withColumns((c) => ({ ...c, ...(c.codec ? { codec: c.codec.replace(/ZSTD\(\d\)/, 'LZ4') } : {}) }));
const withSettings = (s: Record<string, number>): TableSpec => ({ ...EVENTS, settings: { ...EVENTS.settings, ...s } });
interface Variant { name: string; spec: TableSpec; view?: boolean }
const variants: Variant[] = [
  { name: 'as migrated', spec: EVENTS },
  { name: 'ZSTD(1) instead of ZSTD(3) (args, ancestor_args, details)', spec: withColumns((c) => ({ ...c, ...(c.codec ? { codec: c.codec.replace('ZSTD(3)', 'ZSTD(1)') } : {}) })) },
  { name: 'LZ4 instead of ZSTD (codecs kept: DoubleDelta, Delta)', spec: lz4 },
  { name: 'id bloom filter at GRANULARITY 4', spec: { ...EVENTS, indexes: EVENTS.indexes.map((i) => (i.startsWith('idx_id ') ? i.replace('GRANULARITY 1', 'GRANULARITY 4') : i)) } },
  { name: 'without skip indexes', spec: { ...EVENTS, indexes: [] } },
  { name: 'without the kafka_progress projection', spec: { ...EVENTS, projections: [] } },
  { name: 'min_parts_to_merge_at_once = 10', spec: withSettings({ min_parts_to_merge_at_once: 10 }) },
  { name: 'merge_selector_base = 10', spec: withSettings({ merge_selector_base: 10 }) },
  {
    name: 'the barest table: plain MergeTree, LZ4, no roll-up view, projection, skip indexes or deduplication window',
    spec: { ...lz4, engine: 'MergeTree', projections: [], indexes: [], dedupWindow: undefined, settings: { ttl_only_drop_parts: 1, min_bytes_for_wide_part: EVENTS.settings.min_bytes_for_wide_part } } as TableSpec,
    view: false,
  },
];

for (const [i, v] of variants.entries()) {
  await bench.createVariant(`v${i}`, v.spec, v.view !== false);
  await sql(`SYSTEM STOP MERGES bench.v${i}`);
}

const TICK = 100; // USER_HZ
/** CPU seconds by engine thread group: MergeMutate (merges) and the rest of the engine (inserts). */
function engineCpu(): { merge: number; insert: number } {
  let merge = 0;
  let insert = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) / TICK;
    if (comm.startsWith('MergeMutate')) merge += cpu;
    else if (Number(tid) !== process.pid && !comm.startsWith('node') && !comm.startsWith('V8') && !comm.startsWith('libuv')) insert += cpu;
  }
  return { merge, insert };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const merging = async (t: string) => Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM system.merges WHERE database = 'bench' AND table = '${t}'`))[0]!.n);
const activeParts = async (t: string) => Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM system.parts WHERE database = 'bench' AND table = '${t}' AND active`))[0]!.n);

interface Run { insertUs: number; mergeUs: number; parts: number; seconds: number }
const results = variants.map(() => [] as Run[]);
let token = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [i] of variants.entries()) {
    const t = `v${i}`;
    await sql(`SYSTEM START MERGES bench.${t}`);
    const before = engineCpu();
    const t0 = process.hrtime.bigint();
    for (let p = 0; p < PARTS; p++) {
      const shift = (rep * PARTS + p) * ROWS;
      const select = cols.map((c) => (c === 'id' ? `concat(id, '-${rep}-${p}') AS id` : c === 'ts' ? `addMilliseconds(ts, ${shift}) AS ts` : c === 'kafka_offset' ? `kafka_offset + ${shift} AS kafka_offset` : c)).join(', ');
      await sql(`INSERT INTO bench.${t} (${cols.join(', ')}) SETTINGS insert_deduplication_token = 'm:${++token}', optimize_on_insert = 0 SELECT ${select} FROM bench.src`);
    }
    // Until no merge has run for 2 s.
    let idle = 0;
    while (idle < 8) {
      await sleep(250);
      idle = (await merging(t)) === 0 ? idle + 1 : 0;
    }
    const after = engineCpu();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9 - 2;
    const n = (rep + 1) * PARTS * ROWS;
    results[i]!.push({ insertUs: ((after.insert - before.insert) * 1e6) / (PARTS * ROWS), mergeUs: ((after.merge - before.merge) * 1e6) / (PARTS * ROWS), parts: await activeParts(t), seconds });
    await sql(`SYSTEM STOP MERGES bench.${t}`);
    const stored = Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM bench.${t}`))[0]!.n);
    if (stored !== n) throw new Error(`${t}: ${stored} rows stored, ${n} inserted`);
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const summary = (v: number[], digits = 1) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length > 1 ? `${median(s).toFixed(digits)} (${s[0]!.toFixed(digits)}–${s[s.length - 1]!.toFixed(digits)})` : median(s).toFixed(digits);
};
console.log(`events table merges — ${PARTS} inserts of ${fmt(ROWS)} rows per variant and run, ${REPEATS} runs, median (min–max) — ${machine()}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| variant | insert threads, µs CPU per row | merges, µs CPU per row | engine all, µs per row | vs as migrated | active parts after | seconds |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const all = (r: Run) => r.insertUs + r.mergeUs;
for (const [i, v] of variants.entries()) {
  const r = results[i]!;
  console.log(`| ${v.name} | ${summary(r.map((x) => x.insertUs))} | ${summary(r.map((x) => x.mergeUs))} | ${summary(r.map(all))} | ${(median(r.map(all)) / median(results[0]!.map(all))).toFixed(2)}x | ${summary(r.map((x) => x.parts), 0)} | ${summary(r.map((x) => x.seconds))} |`);
}
await bench.close();
