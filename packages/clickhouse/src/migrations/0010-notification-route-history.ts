import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/** Every version of every notification route written through the API (secrets masked): who, when, what. */
export const NOTIFICATION_ROUTE_HISTORY = {
  name: 'notification_route_history',
  columns: [
    { name: 'route_id', type: T.S },
    { name: 'version', type: T.U32 },
    { name: 'ts', type: T.MS },
    { name: 'actor', type: T.LC },
    { name: 'action', type: T.LC },
    { name: 'deleted', type: T.B },
    { name: 'route', type: T.S, codec: 'ZSTD(3)' },
  ],
  engine: 'MergeTree',
  orderBy: '(route_id, version)',
  shardBy: 'cityHash64(route_id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 10, name: 'notification_route_history', up: (ctx) => createTable(ctx, NOTIFICATION_ROUTE_HISTORY), tables: [NOTIFICATION_ROUTE_HISTORY] };
