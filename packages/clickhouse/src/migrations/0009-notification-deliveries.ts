import { createTable, type TableSpec } from '../schema/table.js';
import { KAFKA_PROGRESS_PROJECTION, T, type Migration } from './migration.js';

/**
 * The notifier's delivery log (schemas/avro/Delivery.avsc, topic notify.deliveries): every
 * attempt and result per route, stored by the sink for the API and UI. Row mapping:
 * src/rows/delivery-row.ts.
 */
export const NOTIFICATION_DELIVERIES = {
  name: 'notification_deliveries',
  columns: [
    { name: 'ts', type: T.NS, codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'route_id', type: T.LC },
    { name: 'route_kind', type: T.LC },
    { name: 'rule_id', type: T.LC },
    { name: 'severity', type: T.LC },
    { name: 'alert_ids', type: T.ARR, codec: 'ZSTD(1)' },
    { name: 'outcome', type: T.LC },
    { name: 'attempt', type: T.U32 },
    { name: 'status_code', type: T.I32 },
    { name: 'error', type: T.S, codec: 'ZSTD(3)' },
    { name: 'duration_ms', type: T.U32 },
    { name: 'backlog', type: T.U32 },
    { name: 'kafka_topic', type: T.LC },
    { name: 'kafka_partition', type: T.U32 },
    { name: 'kafka_offset', type: T.U64, codec: 'Delta, ZSTD(1)' },
  ],
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(ts)',
  orderBy: '(route_id, ts, id)',
  indexes: ['idx_alert_ids alert_ids TYPE bloom_filter(0.01) GRANULARITY 4'],
  ttl: (ctx) => `toDateTime(ts) + toIntervalDay(${ctx.retention.alertsDays})`,
  projections: [KAFKA_PROGRESS_PROJECTION],
  dedupWindow: 1000,
  shardBy: 'cityHash64(route_id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 9, name: 'notification_deliveries', up: (ctx) => createTable(ctx, NOTIFICATION_DELIVERIES), tables: [NOTIFICATION_DELIVERIES] };
