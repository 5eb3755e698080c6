import { createMaterializedView, createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/**
 * The highest Kafka offset stored per topic and partition, kept by materialized views in the
 * same insert as the rows. After a restart or rebalance the sink skips records at or below it,
 * so a batch re-delivered with different boundaries (where a deduplication token alone would
 * not match) is still never stored twice. max() makes repeated pushes harmless.
 */
export const SINK_PROGRESS = {
  name: 'sink_progress',
  columns: [
    { name: 'kafka_topic', type: T.LC },
    { name: 'kafka_partition', type: T.U32 },
    { name: 'max_offset', type: 'SimpleAggregateFunction(max, UInt64)' },
  ],
  engine: 'AggregatingMergeTree',
  orderBy: '(kafka_topic, kafka_partition)',
} as const satisfies TableSpec;

const view = (src: string) => `SELECT kafka_topic, kafka_partition, max(kafka_offset) AS max_offset FROM ${src} GROUP BY kafka_topic, kafka_partition`;

export const migration: Migration = {
  version: 9,
  name: 'sink_progress',
  up: (ctx) => [
    ...createTable(ctx, SINK_PROGRESS),
    ...createMaterializedView(ctx, 'sink_progress_events_mv', 'events', 'sink_progress', view),
    ...createMaterializedView(ctx, 'sink_progress_alerts_mv', 'alerts', 'sink_progress', view),
  ],
};
