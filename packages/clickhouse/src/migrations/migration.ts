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
