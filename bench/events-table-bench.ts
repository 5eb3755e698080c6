/**
 * What the benchmarks of the events table's write path share: an embedded chDB with a `bench`
 * database, a Memory table `bench.src` of enriched sample events already in the events table's
 * columns (so an INSERT … SELECT from it parses nothing), and variant tables of the events spec,
 * each with its own per-minute roll-up table and view as migrated unless told otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, EVENTS_PER_MINUTE, createClickHouse, createMaterializedView, createTable, eventToRow, eventsPerMinuteSelect, fileInserter, insertColumns, insertStructure, type Column, type TableSpec } from '@tracehound/clickhouse';
import { sampleEnrichedEvent } from '@tracehound/schemas';

const ctx = { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };
const kinds = ['process_exec', 'file_open', 'net_connect', 'process_exit'] as const;

/** The events spec with each column changed by `f`. */
export const withColumns = (f: (c: Column) => Column): TableSpec => ({ ...EVENTS, columns: (EVENTS.columns as readonly Column[]).map(f) });

export interface SourceRows {
  /** How many events. */
  rows: number;
  /** Ids are `<idPrefix><i>`. */
  idPrefix: string;
  /** The first event's time (ns); each next one a millisecond later. */
  firstNs: bigint;
  /** Kafka partitions the events are spread over (their offset is their index). */
  partitions: number;
}

/** A fresh chDB in a temporary dir with `bench.src` holding `o.rows` events (20 namespaces, 400 pods, 5,000 pids). */
export async function eventsBench(tmpPrefix: string, o: SourceRows) {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const ch = createClickHouse({ dataDir: dir, database: 'bench' });
  const sql = async (query: string) => ch.command({ query });
  await sql('CREATE DATABASE IF NOT EXISTS bench');
  const cols = insertColumns(EVENTS);
  const lines = Array.from({ length: o.rows }, (_, i) => {
    const e = sampleEnrichedEvent(kinds[i % 4]!, { id: `${o.idPrefix}${i}`, ts: o.firstNs + BigInt(i) * 1_000_000n });
    e.k8s = { ...e.k8s!, namespace: `ns-${i % 20}`, pod: `pod-${i % 400}`, pod_uid: `uid-${i % 400}` };
    e.process = { ...e.process!, pid: 1000 + (i % 5000), args: ['sh', '-c', `job ${i}`] };
    const r = eventToRow(e, { topic: 'bench', partition: i % o.partitions, offset: String(i) });
    return JSON.stringify(cols.map((c) => r[c]));
  });
  await sql(`CREATE TABLE bench.src (${insertStructure(EVENTS)}) ENGINE = Memory`);
  await fileInserter(ch)!({ table: 'bench.src', columns: cols, structure: insertStructure(EVENTS), format: 'JSONCompactEachRow', body: Buffer.from(lines.join('\n')), settings: {} });
  return {
    ch,
    sql,
    /** The events table's insert columns, in order. */
    cols,
    /**
     * The table `bench.<name>` of `spec`, and unless `view` is false its own roll-up table
     * `<name>_pm` (with a deduplication window when the table has one) and view `<name>_mv`.
     */
    async createVariant(name: string, spec: TableSpec, view = true): Promise<void> {
      for (const s of createTable(ctx, { ...spec, name })) await sql(s);
      if (!view) return;
      for (const s of createTable(ctx, { ...EVENTS_PER_MINUTE, name: `${name}_pm`, ...(spec.dedupWindow ? {} : { dedupWindow: undefined }) } as TableSpec)) await sql(s);
      for (const s of createMaterializedView(ctx, `${name}_mv`, name, `${name}_pm`, eventsPerMinuteSelect)) await sql(s);
    },
    async close(): Promise<void> {
      await ch.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
