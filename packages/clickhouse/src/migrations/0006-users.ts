import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/** API users; a change writes a newer version (ReplacingMergeTree on updated_at), read with FINAL. */
export const USERS = {
  name: 'users',
  columns: [
    { name: 'username', type: T.S },
    { name: 'password_hash', type: T.S },
    { name: 'role', type: T.LC },
    { name: 'all_namespaces', type: T.B },
    { name: 'namespaces', type: T.ARR },
    { name: 'disabled', type: T.B },
    { name: 'created_at', type: T.MS },
    { name: 'updated_at', type: T.MS },
  ],
  engine: 'ReplacingMergeTree',
  engineArgs: ['updated_at'],
  orderBy: 'username',
  shardBy: 'cityHash64(username)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 6, name: 'users', up: (ctx) => createTable(ctx, USERS), tables: [USERS] };
