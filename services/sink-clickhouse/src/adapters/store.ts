import { insertColumns, insertRows, selectRows, qualified, type ClickHouseLike, type InsertFormat, type InsertOptions, type NativeColumns, type TableSpec } from '@tracehound/clickhouse';

/** The sink's view of ClickHouse: insert a chunk under a token, and read how far a partition got. */
export interface SinkStore {
  /** Inserts are Native where the table says how to read its columns (SinkTable.nativeColumns). */
  readonly native: boolean;
  /** With `nativeColumns`: a Native insert of records read through them; else rows are objects (toRow). */
  insert(spec: TableSpec, rows: readonly unknown[], token: string, nativeColumns?: NativeColumns<never>): Promise<void>;
  /** The highest offset of `topic`/`partition` already in the table, or -1n (read from its kafka_progress projection). */
  storedUpTo(spec: TableSpec, topic: string, partition: number): Promise<bigint>;
}

/**
 * Sink inserts leave rows with equal sort keys to the merges: ReplacingMergeTree folds them there
 * anyway (rows of different inserts are never folded on insert), and folding on insert halved the
 * write path's rate (bench/sink-write-path.ts: 2.2x without it). Deduplication tokens are not affected.
 */
export const SINK_INSERT_SETTINGS: Readonly<Record<string, number>> = { optimize_on_insert: 0 };

/**
 * Native by default where the table offers column values (events): about twice the rows of
 * JSONCompactEachRow through the whole insert (bench/sink-insert.ts); JSONCompactEachRow otherwise,
 * the same speed as JSONEachRow or better with 40% fewer bytes.
 */
export function clickhouseStore(client: ClickHouseLike, database: string, format: InsertFormat = 'Native', via?: InsertOptions['via'], settings = SINK_INSERT_SETTINGS): SinkStore {
  const json = format === 'Native' ? 'JSONCompactEachRow' : format;
  return {
    native: format === 'Native',
    async insert(spec, rows, token, nativeColumns) {
      const o = { token, settings, ...(via ? { via } : {}) };
      if (nativeColumns) return void (await insertRows(client, database, spec, rows, { ...o, format: 'Native', columns: nativeColumns }));
      // JSONCompactEachRow sends values in column order, without the keys.
      const columns = insertColumns(spec); // once per chunk, not per row
      const values = json === 'JSONCompactEachRow' ? rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])) : rows;
      await insertRows(client, database, spec, values, { ...o, format: json });
    },
    async storedUpTo(spec, topic, partition) {
      const rows = await selectRows<{ o: string }>(
        client,
        `SELECT toString(max(kafka_offset)) AS o FROM ${qualified({ database }, spec.name)} WHERE kafka_topic = {topic:String} AND kafka_partition = {partition:UInt32} GROUP BY kafka_topic, kafka_partition`,
        { topic, partition },
      );
      return rows.length ? BigInt(rows[0]!.o) : -1n;
    },
  };
}
