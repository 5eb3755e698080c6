/**
 * Sink insert throughput into embedded ClickHouse (chDB), rows/s, every figure the median of
 * `repeats` runs with the spread (min–max) beside it; the cases of a table run interleaved (all
 * once, then all again) so that the machine's changing load hits them alike. Four tables:
 *  1. Event → row → payload → insert, by format, insert path and batch size. Baseline: chDB's
 *     raw insert of JSONCompactEachRow (what the sink used first); "file" writes the payload to
 *     a file and runs INSERT … SELECT FROM file() (fileInserter); "file, no fold" adds the
 *     sink's optimize_on_insert = 0; Native is encoded by encodeNative from eventValues (the
 *     sink's path now). Stages: map (eventToRow / eventValues), encode (payload bytes), engine
 *     (the insert). JSONEachRow and ArrowStream (apache-arrow) were measured in earlier runs.
 *  2. The engine alone by input format: payloads of the same rows produced by the engine itself,
 *     inserted through file() into the events table and into a Null table (parsing only).
 *  3. (The events table's write path alone, part by part: bench/sink-write-path.ts.)
 *  4. The sink's loop over one Kafka-sized batch: sequential (map, encode, insert, next) vs
 *     pipelined (the next chunk is mapped and encoded while the engine inserts this one).
 * Run: npx tsx bench/sink-insert.ts [rowsPerCase=100000] [repeats=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, createClickHouse, encodeNative, eventToRow, eventValues, fileInserter, insertColumns, insertStructure, migrate, nativeStructure, rawInserter, type Column, type RawInsert } from '@tracehound/clickhouse';
import { Session } from 'chdb';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { rowsToArrow } from './sink-arrow.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const REPEATS = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-sink-'));
const ctx = { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };
const ch = createClickHouse({ dataDir: dir, database: 'bench' });
await migrate(ch, ctx);
const raw = rawInserter(ch)!;
const file = fileInserter(ch)!;
const cols = insertColumns(EVENTS);
const structure = insertStructure(EVENTS);
const columns: Column[] = EVENTS.columns.filter((c) => !('expression' in c));
const sql = async (query: string) => ch.command({ query });

const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const now = BigInt(Date.now()) * 1_000_000n;
const events: Event[] = Array.from({ length: N }, (_, i) => {
  const e = sampleEnrichedEvent(kinds[i % 4]!, { id: `b-${i}`, ts: now - BigInt(N - i) * 1_000_000n });
  e.k8s = { ...e.k8s!, namespace: `ns-${i % 20}`, pod: `pod-${i % 400}` };
  e.process = { ...e.process!, pid: 1000 + (i % 5000), args: ['sh', '-c', `job ${i}`] };
  return e;
});

/** Median and spread of repeated rates. */
const summary = (rates: number[]) => {
  const s = [...rates].sort((a, b) => a - b);
  return `${fmt(s[Math.floor(s.length / 2)]!)} (${fmt(s[0]!)}–${fmt(s[s.length - 1]!)})`;
};
const median = (rates: number[]) => [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
let run = 0;
/** Fresh ids per run: the table folds equal (namespace, ts, id) rows. */
const rowsOf = (list: Event[], first: number) => list.map((e, j) => ({ ...eventToRow(e, { topic: 'bench', partition: 0, offset: String(first + j) }), id: `${run}-${e.id}` }));
const ID = cols.indexOf('id');
const valuesOf = (list: Event[], first: number) => list.map((e, j) => {
  const v = eventValues(e, { topic: 'bench', partition: 0, offset: String(first + j) });
  v[ID] = `${run}-${e.id}`;
  return v;
});
const NO_FOLD = { optimize_on_insert: 0 };

type Encoder = (rows: unknown[]) => Uint8Array;
const encoders: Record<string, Encoder> = {
  JSONEachRow: (rows) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')),
  JSONCompactEachRow: (rows) => Buffer.from((rows as Record<string, unknown>[]).map((r) => JSON.stringify(cols.map((c) => r[c]))).join('\n')),
  ArrowStream: (rows) => rowsToArrow(columns, rows as Record<string, unknown>[]),
  Native: (rows) => encodeNative(EVENTS, rows as unknown[][]),
};
const paths: Record<string, (r: RawInsert) => Promise<void>> = { raw, file, 'file, no fold': (r) => file({ ...r, settings: { ...r.settings, ...NO_FOLD } }) };
const cases: Array<[string, string, number]> = [];
for (const batch of [1_000, 10_000, 50_000]) {
  cases.push(['JSONCompactEachRow', 'raw', batch], ['JSONCompactEachRow', 'file', batch], ['JSONCompactEachRow', 'file, no fold', batch], ['Native', 'file', batch], ['Native', 'file, no fold', batch]);
}

console.log(`sink insert benchmark — ${fmt(N)} enriched events per run, ${REPEATS} runs per case, median (min–max) rows/s — ${machine()}`);
console.log('\n1. Event → row → payload → insert into the full events table (roll-up view, projection, skip indexes, deduplication token)\n');
console.log('| format | path | batch rows | bytes/row | map | encode | engine | all stages | vs baseline |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
// Runs interleaved (every case once, then again) so that a change in the machine's load hits every case alike.
const results = cases.map(() => ({ map: [] as number[], enc: [] as number[], eng: [] as number[], all: [] as number[], bytes: 0 }));
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [c, [format, path, batch]] of cases.entries()) {
    const r = results[c]!;
    run++;
    let map = 0;
    let enc = 0;
    let eng = 0;
    r.bytes = 0;
    for (let i = 0; i < N; i += batch) {
      const t0 = process.hrtime.bigint();
      const rows = format === 'Native' ? valuesOf(events.slice(i, i + batch), i) : rowsOf(events.slice(i, i + batch), i);
      const t1 = process.hrtime.bigint();
      const body = encoders[format]!(rows);
      const t2 = process.hrtime.bigint();
      await paths[path]!({ table: 'bench.events', columns: cols, structure: format === 'Native' ? nativeStructure(EVENTS) : structure, format, body, settings: { insert_deduplication_token: `bench:${run}:${i}` } });
      map += Number(t1 - t0) / 1e9;
      enc += Number(t2 - t1) / 1e9;
      eng += seconds(t2);
      r.bytes += body.length;
    }
    r.map.push(N / map);
    r.enc.push(N / enc);
    r.eng.push(N / eng);
    r.all.push(N / (map + enc + eng));
    await sql('TRUNCATE TABLE bench.events');
  }
}
for (const [c, [format, path, batch]] of cases.entries()) {
  const r = results[c]!;
  const base = results[cases.findIndex(([f, p, b]) => f === 'JSONCompactEachRow' && p === 'raw' && b === batch)]!;
  console.log(`| ${format} | ${path === 'raw' ? 'raw insert' : path.replace('file', 'file()')} | ${fmt(batch)} | ${fmt(r.bytes / N)} | ${summary(r.map)} | ${summary(r.enc)} | ${summary(r.eng)} | ${summary(r.all)} | ${(median(r.all) / median(base.all)).toFixed(2)}x |`);
}

// 2. The engine alone, by input format: the same rows, encoded by the engine, read back through file().
await sql('CREATE TABLE bench.src AS bench.events ENGINE = Memory');
await file({ table: 'bench.src', columns: cols, structure, format: 'JSONEachRow', body: encoders.JSONEachRow!(rowsOf(events, 0)), settings: {} });
await sql('CREATE TABLE bench.parse_only AS bench.events ENGINE = Null');
const formats = ['JSONEachRow', 'JSONCompactEachRow', 'TSV', 'CSV', 'RowBinary', 'Native', 'ArrowStream', 'Parquet'];
const payloads = new Map<string, Uint8Array>();
const session = new Session(join(dir, 'clickhouse')); // a second connection to the same data dir, for raw result bytes
for (const f of formats) payloads.set(f, (await session.queryAsync(`SELECT ${cols.join(', ')} FROM bench.src`, { format: f })).bytes());
session.close();
console.log('\n2. The engine alone by input format (payload made by the engine from the same rows, inserted through file(), one insert of all rows)\n');
console.log('| format | bytes/row | into events | parse only (Null table) |');
console.log('| --- | ---: | ---: | ---: |');
const into = new Map(formats.map((f) => [f, { events: [] as number[], parse_only: [] as number[] }]));
for (let rep = 0; rep < REPEATS; rep++) {
  for (const f of formats) {
    for (const table of ['events', 'parse_only'] as const) {
      run++;
      const t0 = process.hrtime.bigint();
      await file({ table: `bench.${table}`, columns: cols, structure, format: f, body: payloads.get(f)!, settings: { insert_deduplication_token: `fmt:${run}` } });
      into.get(f)![table].push(N / seconds(t0));
      if (table === 'events') await sql('TRUNCATE TABLE bench.events');
    }
  }
}
for (const f of formats) console.log(`| ${f} | ${fmt(payloads.get(f)!.length / N)} | ${summary(into.get(f)!.events)} | ${summary(into.get(f)!.parse_only)} |`);

// 4. The sink's loop: sequential vs pipelined, Native through file() without folding on insert, 20,000-row chunks (the sink's default).
const CHUNK = 20_000;
const chunkInsert = (i: number) => {
  const body = encoders.Native!(valuesOf(events.slice(i, i + CHUNK), i));
  return () => file({ table: 'bench.events', columns: cols, structure: nativeStructure(EVENTS), format: 'Native', body, settings: { insert_deduplication_token: `loop:${run}:${i}`, ...NO_FOLD } });
};
const loops: Record<string, () => Promise<void>> = {
  sequential: async () => {
    for (let i = 0; i < N; i += CHUNK) await chunkInsert(i)();
  },
  pipelined: async () => {
    let inFlight: Promise<void> | undefined;
    for (let i = 0; i < N; i += CHUNK) {
      const next = chunkInsert(i); // mapped and encoded while the previous chunk is in the engine
      await inFlight;
      inFlight = next();
    }
    await inFlight;
  },
};
console.log(`\n4. One batch of ${fmt(N)} events through the sink's loop (eventValues, encodeNative, insert ${fmt(CHUNK)}-row chunks through file(), optimize_on_insert = 0)\n`);
console.log('| loop | rows/s | vs sequential |');
console.log('| --- | ---: | ---: |');
const loopRates: Record<string, number[]> = { sequential: [], pipelined: [] };
for (let rep = 0; rep < REPEATS; rep++) {
  for (const [name, loop] of Object.entries(loops)) {
    run++;
    const t0 = process.hrtime.bigint();
    await loop();
    loopRates[name]!.push(N / seconds(t0));
    await sql('TRUNCATE TABLE bench.events');
  }
}
for (const name of Object.keys(loops)) console.log(`| ${name} | ${summary(loopRates[name]!)} | ${(median(loopRates[name]!) / median(loopRates.sequential!)).toFixed(2)}x |`);
await ch.close();
rmSync(dir, { recursive: true, force: true });
