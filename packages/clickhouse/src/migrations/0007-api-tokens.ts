import { createTable, type TableSpec } from '../schema/table.js';
import { T, type Migration } from './migration.js';

/**
 * Session tokens (from login) and API tokens (for machines). Only a SHA-256 of the token is
 * stored; the token itself is shown once. Revoking writes a newer version with revoked = true.
 */
export const API_TOKENS = {
  name: 'api_tokens',
  columns: [
    { name: 'token_hash', type: T.S },
    { name: 'id', type: T.S },
    { name: 'kind', type: T.LC },
    { name: 'username', type: T.S },
    { name: 'name', type: T.S },
    { name: 'created_at', type: T.MS },
    { name: 'expires_at', type: T.MS },
    { name: 'revoked', type: T.B },
    { name: 'updated_at', type: T.MS },
  ],
  engine: 'ReplacingMergeTree',
  engineArgs: ['updated_at'],
  orderBy: 'token_hash',
  indexes: ['idx_token_id id TYPE bloom_filter(0.01) GRANULARITY 1'],
  // Expired tokens are useless; keep them a week for the audit trail, then drop.
  ttl: () => 'toDateTime(expires_at) + toIntervalDay(7)',
  shardBy: 'cityHash64(token_hash)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 7, name: 'api_tokens', up: (ctx) => createTable(ctx, API_TOKENS), tables: [API_TOKENS] };
