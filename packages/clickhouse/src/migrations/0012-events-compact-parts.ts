import { ident, localName, onCluster } from '../schema/ddl.js';
import type { Migration } from './migration.js';
import { EVENTS } from './0001-events.js';

/**
 * Tables created before `min_bytes_for_wide_part` joined the events table's settings get it here
 * (tables created since have it from their CREATE). Why the setting: see EVENTS_WIDE_PART_BYTES.
 */
export const migration: Migration = {
  version: 12,
  name: 'events_compact_parts',
  up: (ctx) => [
    `ALTER TABLE ${ident(ctx.database)}.${localName(ctx, EVENTS.name)}${onCluster(ctx)} MODIFY SETTING min_bytes_for_wide_part = ${EVENTS.settings.min_bytes_for_wide_part}`,
  ],
};
