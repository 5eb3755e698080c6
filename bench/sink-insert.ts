/**
 * Sink insert throughput into embedded ClickHouse (chDB) by format and batch size, split into
 * its stages: mapping Events to rows (JS), serializing the payload (JS), and the engine's
 * insert (parse + write parts + roll-up views + projection, deduplication token on); and the
 * engine's write path alone (INSERT … SELECT of the same rows, nothing to parse).
 * Run: npx tsx bench/sink-insert.ts [rowsPerCase=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, createClickHouse, eventToRow, insertColumns, migrate, rawInserter, type RawInsert } from '@tracehound/clickhouse';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-sink-'));
const ch = createClickHouse({ dataDir: dir, database: 'bench' });
await migrate(ch, { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } });
const insert = rawInserter(ch)!;
const cols = insertColumns(EVENTS);

const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const now = BigInt(Date.now()) * 1_000_000n;
const events: Event[] = Array.from({ length: N }, (_, i) => {
  const e = sampleEnrichedEvent(kinds[i % 4]!, { id: `b-${i}`, ts: now - BigInt(N - i) * 1_000_000n });
  e.k8s = { ...e.k8s!, namespace: `ns-${i % 20}`, pod: `pod-${i % 400}` };
  e.process = { ...e.process!, pid: 1000 + (i % 5000), args: ['sh', '-c', `job ${i}`] };
  return e;
});
const rate = (ns: bigint) => fmt(N / (Number(ns) / 1e9));
const serializers: Record<RawInsert['format'], (r: Record<string, unknown>) => string> = {
  JSONEachRow: (r) => JSON.stringify(r),
  JSONCompactEachRow: (r) => JSON.stringify(cols.map((c) => r[c])),
  TabSeparated: () => '',
};

console.log(`sink insert benchmark — ${fmt(N)} enriched events per case (~2 KB of JSON each) into chDB — ${machine()}`);
console.log('| format | batch rows | bytes/row | map rows/s | serialize rows/s | engine insert rows/s | all stages rows/s |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
let offset = 0;
for (const format of ['JSONEachRow', 'JSONCompactEachRow'] as const) {
  for (const batch of [1_000, 10_000, 50_000]) {
    let map = 0n;
    let ser = 0n;
    let eng = 0n;
    let bytes = 0;
    for (let i = 0; i < N; i += batch) {
      const t0 = process.hrtime.bigint();
      // Ids differ per case: the table folds equal (namespace, ts, id) rows.
      const rows = events.slice(i, i + batch).map((e, j) => ({ ...eventToRow(e, { topic: 'bench', partition: 0, offset: String(offset + i + j) }), id: `${offset}-${e.id}` }));
      const t1 = process.hrtime.bigint();
      const body = Buffer.from(rows.map(serializers[format]).join('\n'));
      const t2 = process.hrtime.bigint();
      await insert({ table: 'bench.events', columns: cols, format, body, settings: { insert_deduplication_token: `bench:0:${offset + i}` } });
      const t3 = process.hrtime.bigint();
      map += t1 - t0;
      ser += t2 - t1;
      eng += t3 - t2;
      bytes += body.length;
    }
    offset += N;
    console.log(`| ${format} | ${fmt(batch)} | ${fmt(bytes / N)} | ${rate(map)} | ${rate(ser)} | ${rate(eng)} | ${rate(map + ser + eng)} |`);
  }
}
const t0 = process.hrtime.bigint();
await ch.command({ query: `INSERT INTO bench.events (${cols.join(', ')}) SELECT ${cols.map((c) => (c === 'id' ? "concat('copy-', id)" : c)).join(', ')} FROM bench.events LIMIT ${N}` });
console.log(`engine write path alone (INSERT … SELECT of ${fmt(N)} rows, no parsing): ${rate(process.hrtime.bigint() - t0)} rows/s`);
const [rows] = await (await ch.query({ query: 'SELECT count() AS n FROM bench.events', format: 'JSONEachRow' })).json<{ n: string }>();
console.log(`stored ${fmt(Number(rows!.n))} rows: every case exactly once, plus the copy`);
await ch.close();
rmSync(dir, { recursive: true, force: true });
