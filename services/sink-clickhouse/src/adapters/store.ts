import { insertColumns, insertRows, selectRows, SINK_PROGRESS, qualified, type ClickHouseLike, type InsertFormat, type TableSpec } from '@tracehound/clickhouse';

/** The sink's view of ClickHouse: insert a chunk under a token, and read how far a partition got. */
export interface SinkStore {
  insert(spec: TableSpec, rows: readonly unknown[], token: string): Promise<void>;
  /** The highest offset of `topic`/`partition` already stored, or -1n. */
  storedUpTo(topic: string, partition: number): Promise<bigint>;
}

/** JSONCompactEachRow by default: the same speed as JSONEachRow or better, 40% fewer bytes (bench/sink-insert.ts). */
export function clickhouseStore(client: ClickHouseLike, database: string, format: InsertFormat = 'JSONCompactEachRow'): SinkStore {
  return {
    async insert(spec, rows, token) {
      // JSONCompactEachRow sends values in column order, without the keys.
      const values = format === 'JSONCompactEachRow' ? rows.map((r) => insertColumns(spec).map((c) => (r as Record<string, unknown>)[c])) : rows;
      await insertRows(client, database, spec, values, { token, format });
    },
    async storedUpTo(topic, partition) {
      const rows = await selectRows<{ o: string | null }>(
        client,
        `SELECT toString(max(max_offset)) AS o, count() AS n FROM ${qualified({ database }, SINK_PROGRESS.name)} WHERE kafka_topic = {topic:String} AND kafka_partition = {partition:UInt32} HAVING n > 0`,
        { topic, partition },
      );
      return rows.length && rows[0]!.o !== null ? BigInt(rows[0]!.o) : -1n;
    },
  };
}
