/**
 * Sink insert throughput into embedded ClickHouse (chDB): rows/s by insert format and batch
 * size, through the sink's own path (Event → row mapping → insert with a deduplication token).
 * Run: npx tsx bench/sink-insert.ts [rowsPerCase=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, createClickHouse, eventToRow, migrate, type InsertFormat } from '@tracehound/clickhouse';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { clickhouseStore } from '../services/sink-clickhouse/src/adapters/store.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-sink-'));
const ch = createClickHouse({ dataDir: dir, database: 'bench' });
await migrate(ch, { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } });

const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;
const now = BigInt(Date.now()) * 1_000_000n;
const events: Event[] = Array.from({ length: N }, (_, i) => {
  const e = sampleEnrichedEvent(kinds[i % 4]!, { id: `b-${i}`, ts: now - BigInt(N - i) * 1_000_000n });
  e.k8s = { ...e.k8s!, namespace: `ns-${i % 20}`, pod: `pod-${i % 400}` };
  e.process = { ...e.process!, pid: 1000 + (i % 5000), args: ['sh', '-c', `job ${i}`] };
  return e;
});

console.log(`sink insert benchmark — ${fmt(N)} enriched events per case into chDB — ${machine()}`);
console.log('| format | batch rows | map rows/s | insert rows/s (map + serialize + insert) |');
console.log('| --- | ---: | ---: | ---: |');
let offset = 0;
for (const format of ['JSONEachRow', 'JSONCompactEachRow'] as InsertFormat[]) {
  for (const batch of [1_000, 10_000, 50_000]) {
    const store = clickhouseStore(ch, 'bench', format);
    const t0 = process.hrtime.bigint();
    let mapNs = 0n;
    for (let i = 0; i < N; i += batch) {
      const m0 = process.hrtime.bigint();
      // Ids differ per case: the table folds equal (namespace, ts, id) rows.
      const rows = events.slice(i, i + batch).map((e, j) => ({ ...eventToRow(e, { topic: 'bench', partition: 0, offset: String(offset + i + j) }), id: `${offset}-${e.id}` }));
      mapNs += process.hrtime.bigint() - m0;
      await store.insert(EVENTS, rows, `bench:0:${offset + i}-${offset + i + rows.length - 1}`);
    }
    offset += N;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`| ${format} | ${fmt(batch)} | ${fmt(N / (Number(mapNs) / 1e9))} | ${fmt(N / secs)} |`);
  }
}
const [c] = await (await ch.query({ query: 'SELECT count() AS n, formatReadableSize(sum(data_compressed_bytes)) AS disk FROM system.parts WHERE database = \'bench\' AND table = \'events\' AND active', format: 'JSONEachRow' })).json<{ n: string; disk: string }>();
const [rows] = await (await ch.query({ query: 'SELECT count() AS n FROM bench.events', format: 'JSONEachRow' })).json<{ n: string }>();
console.log(`stored ${fmt(Number(rows!.n))} rows (every case exactly once) in ${c!.disk} on disk (${fmt(Number(c!.n))} active parts)`);
await ch.close();
rmSync(dir, { recursive: true, force: true });
