import type { DdlContext } from '../schema/ddl.js';
import type { TableSpec } from '../schema/table.js';

/** One versioned step of the storage schema. Versions are never reused or reordered. */
export interface Migration {
  version: number;
  name: string;
  /** The statements, in order; each is idempotent (IF NOT EXISTS) so a half-applied step can be re-run. */
  up(ctx: DdlContext): string[];
  /** Tables whose TTL follows the retention settings. */
  tables?: TableSpec[];
}

const LC = 'LowCardinality(String)';
export const T = {
  LC,
  S: 'String',
  NS: "DateTime64(9, 'UTC')",
  MS: "DateTime64(3, 'UTC')",
  U16: 'UInt16',
  U32: 'UInt32',
  U64: 'UInt64',
  I32: 'Int32',
  B: 'Bool',
  ARR: 'Array(String)',
  MAP: `Map(${LC}, String)`,
} as const;

/**
 * The highest Kafka offset stored per topic and partition, as a projection of the sink tables.
 * A projection lives inside each data part, so it can never disagree with the rows (a
 * materialized view into another table could, if the process died between the two writes).
 * After a restart or rebalance the sink skips records at or below it: a batch re-delivered with
 * other boundaries, which a deduplication token alone would not catch, is never stored twice.
 */
export const KAFKA_PROGRESS_PROJECTION = 'kafka_progress (SELECT kafka_topic, kafka_partition, max(kafka_offset) GROUP BY kafka_topic, kafka_partition)';

/** ReplacingMergeTree refuses projections unless told what merges do with them. */
export const REPLACING_WITH_PROJECTIONS = { deduplicate_merge_projection_mode: 'rebuild' } as const;
