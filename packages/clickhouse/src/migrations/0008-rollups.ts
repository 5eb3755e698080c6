import { createMaterializedView, createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/**
 * Per-minute counts for dashboards, kept by materialized views as rows arrive. A deduplicated
 * insert into events/alerts is still pushed to the views (ClickHouse 26), so the roll-up tables
 * carry a deduplication window of their own (test/dedup.test.ts proves the counts stay exact).
 */
export const EVENTS_PER_MINUTE = {
  name: 'events_per_minute',
  columns: [
    { name: 'minute', type: "DateTime('UTC')", codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'namespace', type: T.LC },
    { name: 'kind', type: T.LC },
    { name: 'node', type: T.LC },
    { name: 'events', type: T.U64 },
  ],
  engine: 'SummingMergeTree',
  partitionBy: 'toYYYYMM(minute)',
  orderBy: '(namespace, minute, kind, node)',
  ttl: (ctx) => `minute + toIntervalDay(${ctx.retention.alertsDays})`,
  dedupWindow: 1000,
} as const satisfies TableSpec;

/** The SELECT of the view that keeps EVENTS_PER_MINUTE from the events rows in `source`. */
export const eventsPerMinuteSelect = (source: string): string =>
  `SELECT toStartOfMinute(ts) AS minute, namespace, kind, node, count() AS events FROM ${source} GROUP BY minute, namespace, kind, node`;

export const ALERTS_PER_MINUTE = {
  name: 'alerts_per_minute',
  columns: [
    { name: 'minute', type: "DateTime('UTC')", codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'namespace', type: T.LC },
    { name: 'severity', type: T.LC },
    { name: 'rule_id', type: T.LC },
    { name: 'alerts', type: T.U64 },
  ],
  engine: 'SummingMergeTree',
  partitionBy: 'toYYYYMM(minute)',
  orderBy: '(namespace, minute, severity, rule_id)',
  ttl: (ctx) => `minute + toIntervalDay(${ctx.retention.alertsDays})`,
  dedupWindow: 1000,
} as const satisfies TableSpec;

export const migration: Migration = {
  version: 8,
  name: 'rollups',
  tables: [EVENTS_PER_MINUTE, ALERTS_PER_MINUTE],
  up: (ctx) => [
    ...createTable(ctx, EVENTS_PER_MINUTE),
    ...createMaterializedView(ctx, 'events_per_minute_mv', 'events', 'events_per_minute', eventsPerMinuteSelect),
    ...createTable(ctx, ALERTS_PER_MINUTE),
    ...createMaterializedView(ctx, 'alerts_per_minute_mv', 'alerts', 'alerts_per_minute', (src) =>
      `SELECT toStartOfMinute(ts) AS minute, namespace, severity, rule_id, count() AS alerts FROM ${src} GROUP BY minute, namespace, severity, rule_id`),
  ],
};
