import { ident, localName } from '../schema/ddl.js';
import type { Migration } from './migration.js';
import { USERS } from './0006-users.js';

/**
 * Users keep the hashes of their recent inserts, so that an insert repeated with the same
 * `insert_deduplication_token` is dropped: the first admin, written by every API instance that
 * found no users with one token, is stored once, by whichever insert came first. Replicated
 * tables (on a cluster) deduplicate by default.
 */
export const migration: Migration = {
  version: 11,
  name: 'users_dedup',
  up: (ctx) => (ctx.cluster ? [] : [`ALTER TABLE ${ident(ctx.database)}.${localName(ctx, USERS.name)} MODIFY SETTING non_replicated_deduplication_window = 100`]),
};
