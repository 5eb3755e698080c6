import { createTable, type TableSpec } from '../schema/table.js';
import { KAFKA_PROGRESS_PROJECTION, REPLACING_WITH_PROJECTIONS, T, type Migration } from './migration.js';

/**
 * Alerts (schemas/avro/Alert.avsc) with the fields people filter on flattened and the whole
 * triggering event as JSON. The id is deterministic, so ReplacingMergeTree folds an alert the
 * detector raised twice (e.g. after its own restart); queries read it with FINAL.
 */
export const ALERTS = {
  name: 'alerts',
  columns: [
    { name: 'ts', type: T.NS, codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'rule_id', type: T.LC },
    { name: 'rule_name', type: T.LC },
    { name: 'rule_version', type: T.U32 },
    { name: 'severity', type: T.LC },
    { name: 'tags', type: `Array(${T.LC})` },
    { name: 'mitre', type: `Array(${T.LC})` },
    { name: 'message', type: T.S, codec: 'ZSTD(3)' },
    { name: 'stateful', type: T.S, codec: 'ZSTD(3)' },
    { name: 'event_id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'event_ts', type: T.NS, codec: 'Delta, ZSTD(1)' },
    { name: 'event_kind', type: T.LC },
    { name: 'namespace', type: T.LC },
    { name: 'pod', type: T.LC },
    { name: 'container', type: T.LC },
    { name: 'workload', type: T.LC },
    { name: 'node', type: T.LC },
    { name: 'comm', type: T.LC },
    { name: 'event', type: T.S, codec: 'ZSTD(3)' },
    { name: 'kafka_topic', type: T.LC },
    { name: 'kafka_partition', type: T.U32 },
    { name: 'kafka_offset', type: T.U64, codec: 'Delta, ZSTD(1)' },
  ],
  engine: 'ReplacingMergeTree',
  partitionBy: 'toYYYYMM(ts)',
  orderBy: '(namespace, id)',
  indexes: ['idx_ts ts TYPE minmax GRANULARITY 1', 'idx_id id TYPE bloom_filter(0.001) GRANULARITY 1'],
  ttl: (ctx) => `toDateTime(ts) + toIntervalDay(${ctx.retention.alertsDays})`,
  projections: [KAFKA_PROGRESS_PROJECTION],
  settings: { ...REPLACING_WITH_PROJECTIONS },
  dedupWindow: 1000,
  shardBy: 'cityHash64(id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 2, name: 'alerts', up: (ctx) => createTable(ctx, ALERTS), tables: [ALERTS] };
