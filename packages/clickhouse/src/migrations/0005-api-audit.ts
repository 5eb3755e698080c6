import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/** One row per API request: who, what, when, result. Written in batches by the API. */
export const API_AUDIT = {
  name: 'api_audit',
  columns: [
    { name: 'ts', type: T.MS, codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'request_id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'actor', type: T.LC },
    { name: 'auth', type: T.LC },
    { name: 'method', type: T.LC },
    { name: 'route', type: T.LC },
    { name: 'path', type: T.S, codec: 'ZSTD(3)' },
    { name: 'status', type: T.U16 },
    { name: 'duration_ms', type: 'Float32' },
    { name: 'ip', type: T.LC },
    { name: 'error_code', type: T.LC },
  ],
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(ts)',
  orderBy: '(ts, request_id)',
  ttl: (ctx) => `toDateTime(ts) + toIntervalDay(${ctx.retention.auditDays})`,
} as const satisfies TableSpec;

export const migration: Migration = { version: 5, name: 'api_audit', up: (ctx) => createTable(ctx, API_AUDIT), tables: [API_AUDIT] };
