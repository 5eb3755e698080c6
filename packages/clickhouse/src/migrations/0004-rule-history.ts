import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/** Every version of every rule written through the API: who, when, what; the newest row per rule is its current state. */
export const RULE_HISTORY = {
  name: 'rule_history',
  columns: [
    { name: 'rule_id', type: T.S },
    { name: 'version', type: T.U32 },
    { name: 'ts', type: T.MS },
    { name: 'actor', type: T.LC },
    { name: 'action', type: T.LC },
    { name: 'enabled', type: T.B },
    { name: 'deleted', type: T.B },
    { name: 'rule', type: T.S, codec: 'ZSTD(3)' },
  ],
  engine: 'MergeTree',
  orderBy: '(rule_id, version)',
  shardBy: 'cityHash64(rule_id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 4, name: 'rule_history', up: (ctx) => createTable(ctx, RULE_HISTORY), tables: [RULE_HISTORY] };
