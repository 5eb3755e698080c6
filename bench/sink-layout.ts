/**
 * The events table layout, measured: insert rate, bytes on disk and query times for variants of
 * the sort key, codecs and skip indexes, on the same rows. Evidence for the choices in
 * packages/clickhouse/src/migrations/0001-events.ts.
 * Run: npx tsx bench/sink-layout.ts [rows=300000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, createClickHouse, createTable, eventToRow, insertRows, selectRows, type TableSpec } from '@tracehound/clickhouse';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { fmt, machine, percentile } from './stats.js';

const N = Number(process.argv[2] ?? 300_000);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-layout-'));
const ch = createClickHouse({ dataDir: dir, database: 'lay' });
await ch.command({ query: 'CREATE DATABASE IF NOT EXISTS lay' });
const ctx = { database: 'lay', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };

const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit', 'file_write', 'capability_use'] as const;
const comms = ['bash', 'curl', 'nginx', 'python3', 'java', 'sh', 'node', 'postgres'];
const now = BigInt(Date.now()) * 1_000_000n;
const events: Event[] = Array.from({ length: N }, (_, i) => {
  const e = sampleEnrichedEvent(kinds[i % kinds.length]!, { id: `l-${i}`, ts: now - BigInt(N - i) * 2_000_000n, node: `node-${i % 8}` });
  e.k8s = { ...e.k8s!, namespace: `ns-${i % 50}`, pod: `ns-${i % 50}-pod-${i % 17}` };
  e.process = { ...e.process!, pid: 1000 + (i % 5000), comm: comms[i % comms.length]!, args: [comms[i % comms.length]!, '-c', `job ${i % 1000}`] };
  return e;
});
const rows = events.map((e, i) => eventToRow(e, { topic: 't', partition: 0, offset: String(i) }));

const plain = (spec: TableSpec): TableSpec => ({ ...spec, columns: spec.columns.map(({ codec: _c, ...c }) => c) });
const variants: Array<[string, TableSpec]> = [
  ['chosen: (namespace, ts, id), ZSTD codecs, skip indexes', EVENTS],
  ['no skip indexes', { ...EVENTS, indexes: [] }],
  ['default LZ4 codecs', plain(EVENTS)],
  ['sort (ts, id)', { ...EVENTS, orderBy: '(ts, id)' }],
  ['sort (namespace, kind, ts, id)', { ...EVENTS, orderBy: '(namespace, kind, ts, id)' }],
];

const queries: Array<[string, string]> = [
  ['one namespace, last hour, newest 100', "SELECT id FROM {t} WHERE namespace = 'ns-7' AND ts >= now64(9) - INTERVAL 1 HOUR ORDER BY ts DESC, id DESC LIMIT 100"],
  ['3 namespaces, kind, newest 100', "SELECT id FROM {t} WHERE namespace IN ('ns-1','ns-2','ns-3') AND kind = 'file_open' ORDER BY ts DESC, id DESC LIMIT 100"],
  ['all namespaces, newest 100', 'SELECT id FROM {t} ORDER BY ts DESC, id DESC LIMIT 100'],
  ['by id', "SELECT id FROM {t} WHERE id = 'l-12345' LIMIT 1"],
  ['comm filter', "SELECT count() FROM {t} WHERE comm = 'python3'"],
];

console.log(`events table layouts — ${fmt(N)} rows — ${machine()}`);
console.log(`| variant | insert rows/s | on disk | ${queries.map((q) => `${q[0]} p50 ms`).join(' | ')} |`);
console.log(`| --- | ---: | ---: | ${queries.map(() => '---:').join(' | ')} |`);
for (const [i, [name, spec]] of variants.entries()) {
  const table = { ...spec, name: `v${i}` };
  for (const s of createTable(ctx, table)) await ch.command({ query: s });
  const t0 = process.hrtime.bigint();
  for (let j = 0; j < N; j += 50_000) await insertRows(ch, 'lay', table, rows.slice(j, j + 50_000), { token: `v${i}-${j}` });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await ch.command({ query: `OPTIMIZE TABLE lay.v${i} FINAL` });
  const [size] = await selectRows<{ b: string }>(ch, `SELECT formatReadableSize(sum(data_compressed_bytes)) AS b FROM system.parts WHERE database = 'lay' AND table = 'v${i}' AND active`);
  const times: string[] = [];
  for (const [, q] of queries) {
    const sql = q.replace('{t}', `lay.v${i}`);
    const ms: number[] = [];
    for (let k = 0; k < 15; k++) {
      const q0 = process.hrtime.bigint();
      await selectRows(ch, sql);
      ms.push(Number(process.hrtime.bigint() - q0) / 1e6);
    }
    times.push(fmt(percentile(ms.sort((a, b) => a - b), 50), 1));
  }
  console.log(`| ${name} | ${fmt(N / secs)} | ${size!.b} | ${times.join(' | ')} |`);
}
await ch.close();
rmSync(dir, { recursive: true, force: true });
