/**
 * Sink insert throughput into embedded ClickHouse (chDB), rows/s, every figure the median of
 * `repeats` runs with the spread (min–max) beside it; the cases of a table run interleaved (all
 * once, then all again) so that the machine's changing load hits them alike, and the load
 * average is printed before and after. Every insert goes through file() with the sink's
 * optimize_on_insert = 0 and a deduplication token. Three tables:
 *  1. Event → payload → insert into the full events table, by path and batch size. Paths:
 *     JSONCompactEachRow (eventToRow, JSON text); Native before (commit NATIVE_BEFORE, loaded
 *     from git in this run: eventValues makes a value array per event, encodeNative writes one
 *     block); Native now (encodeNative reads EVENT_NATIVE_COLUMNS straight from the records,
 *     NATIVE_CHUNK_ROWS records at a time, into one block). Stages: Node (map + encode) and engine
 *     (file write + insert).
 *  2. The engine side of one Native payload of all rows: one block vs blocks of NATIVE_CHUNK_ROWS
 *     rows (the engine inserts one block faster), vs LowCardinality columns sent as LowCardinality
 *     (a payload the engine writes itself; the encoder sends them as String), and writing the
 *     payload file alone.
 *  3. The sink's loop over one Kafka-sized batch in 20,000-row chunks, before and now: sequential
 *     (encode, insert, next) vs pipelined (the next chunk is encoded while the engine inserts this one).
 *  4. The encoder alone (Node, no insert) by records read per pass over the columns, on 20,000-record
 *     chunks, against the path before.
 *  5. The cost of one insert by its size: the same rows inserted 250, 1,000, 4,000 or 20,000 at a
 *     time (Native payloads made outside the timing), wall and process CPU (Node and the engine's
 *     threads, merges included) per insert and per row: what an insert costs whatever its size.
 * (The engine alone by input format and the raw insert were measured in earlier runs: the
 * packages/clickhouse and sink READMEs; the events write path alone: bench/sink-write-path.ts.)
 * Run: npx tsx bench/sink-insert.ts [rowsPerCase=100000] [repeats=3] [tables=12345]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, EVENT_NATIVE_COLUMNS, createClickHouse, encodeNative, eventToRow, fileInserter, insertColumns, insertStructure, migrate, nativeStructure, type EventRecord } from '@tracehound/clickhouse';
import { NATIVE_CHUNK_ROWS } from '../packages/clickhouse/src/rows/native.js';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { NATIVE_BEFORE, baselineNative } from './sink-baseline.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const REPEATS = Number(process.argv[3] ?? 3);
const TABLES = process.argv[4] ?? '12345';
const dir = mkdtempSync(join(tmpdir(), 'th-bench-sink-'));
const ctx = { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };
const ch = createClickHouse({ dataDir: dir, database: 'bench' });
await migrate(ch, ctx);
const file = fileInserter(ch)!;
const before = await baselineNative();
const cols = insertColumns(EVENTS);
const sql = async (query: string) => ch.command({ query });
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const now = BigInt(Date.now()) * 1_000_000n;
const events: Event[] = Array.from({ length: N }, (_, i) => {
  const e = sampleEnrichedEvent(kinds[i % 4]!, { id: `b-${i}`, ts: now - BigInt(N - i) * 1_000_000n });
  e.k8s = { ...e.k8s!, namespace: `ns-${i % 20}`, pod: `pod-${i % 400}` };
  e.process = { ...e.process!, pid: 1000 + (i % 5000), args: ['sh', '-c', `job ${i}`] };
  return e;
});

const summary = (rates: number[]) => {
  const s = [...rates].sort((a, b) => a - b);
  return `${fmt(s[Math.floor(s.length / 2)]!)} (${fmt(s[0]!)}–${fmt(s[s.length - 1]!)})`;
};
const median = (rates: number[]) => [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
let run = 0;
/** Rows per insert chunk of the sink (TRACEHOUND_SINK_BATCH_ROWS default). */
const CHUNK = 20_000;
/** The records a batch of the sink holds (consumed Kafka records), with ids fresh per run; made outside the timed stages. */
const recordsOf = (first: number, count: number): EventRecord[] =>
  events.slice(first, first + count).map((e, j) => ({ value: { ...e, id: `${run}-${e.id}` }, topic: 'bench', partition: 0, offset: String(first + j) }));

type Path = (records: EventRecord[]) => Uint8Array;
const paths: Record<string, { format: string; structure: string; encode: Path }> = {
  JSONCompactEachRow: {
    format: 'JSONCompactEachRow', structure: insertStructure(EVENTS),
    encode: (rs) => Buffer.from(rs.map((r) => { const row = eventToRow(r.value, r); return JSON.stringify(cols.map((c) => row[c])); }).join('\n')),
  },
  'Native before': { format: 'Native', structure: nativeStructure(EVENTS), encode: (rs) => before.encodeNative(EVENTS, rs.map((r) => before.eventValues(r.value, r))) },
  'Native now': { format: 'Native', structure: nativeStructure(EVENTS), encode: (rs) => encodeNative(EVENTS, rs, EVENT_NATIVE_COLUMNS) },
};
const insert = (format: string, structure: string, body: Uint8Array, token: string) =>
  file({ table: 'bench.events', columns: cols, structure, format, body, settings: { insert_deduplication_token: token, optimize_on_insert: 0 } });

console.log(`sink insert benchmark — ${fmt(N)} enriched events per run, ${REPEATS} runs per case, median (min–max) rows/s — ${machine()}`);
console.log(`Native before = commit ${NATIVE_BEFORE.slice(0, 7)}; Native now: ${NATIVE_CHUNK_ROWS} records per pass over the columns. Load average (1/5/15 min) at start: ${load()}`);
if (TABLES.includes('1')) await table1();
if (TABLES.includes('2') || TABLES.includes('3')) await tables23();
if (TABLES.includes('4')) table4();
if (TABLES.includes('5')) await table5();
console.log(`\nload average at the end: ${load()}`);
await ch.close();
before.remove();
rmSync(dir, { recursive: true, force: true });

async function table1() {
  console.log('\n1. Event → payload → insert into the full events table (file(), optimize_on_insert = 0, deduplication token)\n');
  console.log('| path | batch rows | bytes/row | Node (map + encode) | engine (file + insert) | all stages | vs Native before |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cases: Array<[string, number]> = [];
  for (const batch of [1_000, 10_000, 50_000]) for (const path of Object.keys(paths)) cases.push([path, batch]);
  const results = cases.map(() => ({ node: [] as number[], eng: [] as number[], all: [] as number[], bytes: 0 }));
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const [c, [name, batch]] of cases.entries()) {
      const r = results[c]!;
      const path = paths[name]!;
      run++;
      let node = 0;
      let eng = 0;
      r.bytes = 0;
      for (let i = 0; i < N; i += batch) {
        const records = recordsOf(i, batch);
        const t0 = process.hrtime.bigint();
        const body = path.encode(records);
        const t1 = process.hrtime.bigint();
        await insert(path.format, path.structure, body, `bench:${run}:${i}`);
        node += Number(t1 - t0) / 1e9;
        eng += seconds(t1);
        r.bytes += body.length;
      }
      r.node.push(N / node);
      r.eng.push(N / eng);
      r.all.push(N / (node + eng));
      await sql('TRUNCATE TABLE bench.events');
    }
  }
  for (const [c, [name, batch]] of cases.entries()) {
    const r = results[c]!;
    const base = results[cases.findIndex(([p, b]) => p === 'Native before' && b === batch)]!;
    console.log(`| ${name} | ${fmt(batch)} | ${fmt(r.bytes / N)} | ${summary(r.node)} | ${summary(r.eng)} | ${summary(r.all)} | ${(median(r.all) / median(base.all)).toFixed(2)}x |`);
  }
  console.log(`\nload average after table 1: ${load()}`);
}

async function tables23() {
  // 2. The engine side of one payload of all N rows.
  console.log(`\n2. The engine side of one Native payload of ${fmt(N)} rows (made outside the timing)\n`);
  console.log('| step | rows/s | vs one block |');
  console.log('| --- | ---: | ---: |');
  run++;
  const all = recordsOf(0, N);
  const oneBlock = encodeNative(EVENTS, all, EVENT_NATIVE_COLUMNS);
  // Blocks of NATIVE_CHUNK_ROWS rows: each a Native block of its own, one after the other in one payload.
  const blocks = Buffer.concat(Array.from({ length: Math.ceil(N / NATIVE_CHUNK_ROWS) }, (_, b) => encodeNative(EVENTS, all.slice(b * NATIVE_CHUNK_ROWS, (b + 1) * NATIVE_CHUNK_ROWS), EVENT_NATIVE_COLUMNS)));
  // The same rows with LowCardinality columns as LowCardinality (dictionary and indexes), as the engine itself writes them.
  await insert('Native', nativeStructure(EVENTS), oneBlock, `lc-source:${run}`);
  const lcPath = join(dir, 'low-cardinality.native');
  await sql(`INSERT INTO FUNCTION file('${lcPath}', 'Native') SELECT ${cols.join(', ')} FROM bench.events`);
  const lowCardinality = readFileSync(lcPath);
  await sql('TRUNCATE TABLE bench.events');
  const steps: Record<string, () => Promise<void> | void> = {
    'insert, one block (the encoder now)': () => insert('Native', nativeStructure(EVENTS), oneBlock, `one:${run}`),
    [`insert, LowCardinality columns as LowCardinality (payload by the engine, ${fmt(lowCardinality.length / N)} bytes/row)`]: () => insert('Native', insertStructure(EVENTS), lowCardinality, `lc:${run}`),
    [`insert, blocks of ${NATIVE_CHUNK_ROWS} rows`]: () => insert('Native', nativeStructure(EVENTS), blocks, `blocks:${run}`),
    'writing the payload file alone (part of every insert above)': () => writeFileSync(join(dir, 'payload.bin'), oneBlock),
  };
  await timeCases(steps, 'insert, one block (the encoder now)');

  if (!TABLES.includes('3')) return;
  // 3. The sink's loop: sequential vs pipelined, 20,000-row chunks (the sink's default), before and now.
  const loop = (name: 'Native before' | 'Native now', pipelined: boolean) => async () => {
    let inFlight: Promise<void> | undefined;
    for (let i = 0; i < N; i += CHUNK) {
      if (!pipelined) await inFlight;
      const body = paths[name]!.encode(all.slice(i, i + CHUNK)); // while the previous chunk is in the engine, when pipelined
      const token = `loop:${run}:${i}`;
      const next = async () => insert('Native', nativeStructure(EVENTS), body, token);
      if (pipelined) await inFlight;
      inFlight = next();
    }
    await inFlight;
  };
  const loops: Record<string, () => Promise<void>> = {
    'Native before, sequential': loop('Native before', false),
    'Native before, pipelined': loop('Native before', true),
    'Native now, sequential': loop('Native now', false),
    'Native now, pipelined': loop('Native now', true),
  };
  console.log(`\n3. One batch of ${fmt(N)} events through the sink's loop (${fmt(CHUNK)}-row chunks, file(), optimize_on_insert = 0)\n`);
  console.log('| loop | rows/s | vs Native before, sequential |');
  console.log('| --- | ---: | ---: |');
  await timeCases(loops, 'Native before, sequential');
}

/**
 * Times each case over N rows, REPEATS times interleaved (all once, then all again), emptying the
 * table after each, and prints one table row per case: rows/s and the ratio to `baseline`.
 */
async function timeCases(cases: Record<string, () => Promise<void> | void>, baseline: string): Promise<void> {
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const [name, c] of Object.entries(cases)) {
      run++;
      const t0 = process.hrtime.bigint();
      await c();
      rates[name]!.push(N / seconds(t0));
      await sql('TRUNCATE TABLE bench.events');
    }
  }
  const base = median(rates[baseline]!);
  for (const [name, r] of Object.entries(rates)) console.log(`| ${name} | ${summary(r)} | ${(median(r) / base).toFixed(2)}x |`);
}

function table4() {
  const sizes = [64, 256, 512, 1_024, 4_096, CHUNK];
  console.log(`\n4. The encoder alone, ${fmt(N)} records in ${fmt(CHUNK)}-record chunks, by records read per pass over the columns (Node only)\n`);
  console.log('| encoder | rows/s | vs Native before |');
  console.log('| --- | ---: | ---: |');
  const all = recordsOf(0, N);
  const encoders: Record<string, (rs: EventRecord[]) => Uint8Array> = { 'Native before (value array per event, one block)': paths['Native before']!.encode };
  for (const b of sizes) encoders[b === CHUNK ? `now, all ${fmt(b)} records per pass` : `now, ${fmt(b)} records per pass`] = (rs) => encodeNative(EVENTS, rs, EVENT_NATIVE_COLUMNS, b);
  const r: Record<string, number[]> = Object.fromEntries(Object.keys(encoders).map((k) => [k, []]));
  for (let rep = 0; rep < REPEATS + 1; rep++) {
    for (const [name, enc] of Object.entries(encoders)) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i += CHUNK) enc(all.slice(i, i + CHUNK));
      if (rep > 0) r[name]!.push(N / seconds(t0)); // the first round warms up
    }
  }
  const base = median(r['Native before (value array per event, one block)']!);
  for (const [name, rates] of Object.entries(r)) console.log(`| ${name} | ${summary(rates)} | ${(median(rates) / base).toFixed(2)}x |`);
}

async function table5() {
  console.log(`\n5. The cost of an insert by its size: ${fmt(N)} rows inserted n at a time (Native, file(), optimize_on_insert = 0), median of ${REPEATS}\n`);
  console.log('| rows per insert | ms per insert (wall) | CPU ms per insert (process) | CPU µs per row | rows/s |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  const sizes = [250, 1_000, 4_000, 20_000];
  const r = new Map(sizes.map((n) => [n, { wall: [] as number[], cpu: [] as number[] }]));
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const size of sizes) {
      run++;
      const all = recordsOf(0, N);
      const bodies = Array.from({ length: Math.ceil(N / size) }, (_, b) => encodeNative(EVENTS, all.slice(b * size, (b + 1) * size), EVENT_NATIVE_COLUMNS));
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (const [b, body] of bodies.entries()) await insert('Native', nativeStructure(EVENTS), body, `size:${run}:${b}`);
      const c = process.cpuUsage(c0);
      r.get(size)!.wall.push((seconds(t0) * 1000) / bodies.length);
      r.get(size)!.cpu.push((c.user + c.system) / 1000 / bodies.length);
      await sql('TRUNCATE TABLE bench.events');
    }
  }
  for (const size of sizes) {
    const { wall, cpu } = r.get(size)!;
    const w = median(wall);
    const c = median(cpu);
    console.log(`| ${fmt(size)} | ${fmt(w, 1)} | ${fmt(c, 1)} | ${fmt((c * 1000) / size, 1)} | ${fmt((size * 1000) / w)} |`);
  }
}
