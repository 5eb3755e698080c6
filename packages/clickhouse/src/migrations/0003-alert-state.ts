import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/** Every change of an alert's workflow (ack, resolve, reopen, assign, comment), never updated in place: the history is the table. */
export const ALERT_STATE = {
  name: 'alert_state',
  columns: [
    { name: 'alert_id', type: T.S },
    { name: 'namespace', type: T.LC },
    { name: 'ts', type: T.MS },
    { name: 'actor', type: T.LC },
    { name: 'action', type: T.LC },
    { name: 'state', type: T.LC },
    { name: 'assignee', type: T.LC },
    { name: 'comment', type: T.S, codec: 'ZSTD(3)' },
  ],
  engine: 'MergeTree',
  orderBy: '(alert_id, ts)',
  ttl: (ctx) => `toDateTime(ts) + toIntervalDay(${ctx.retention.alertsDays})`,
  shardBy: 'cityHash64(alert_id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 3, name: 'alert_state', up: (ctx) => createTable(ctx, ALERT_STATE), tables: [ALERT_STATE] };
