import type { ClickHouseClient } from '@clickhouse/client';
import { fileInserter, rawInserter } from './client.js';
import { qualified } from './schema/ddl.js';
import { insertColumns, insertStructure, type TableSpec } from './schema/table.js';
import { toClickHouseError } from './errors.js';

/** The part of `@clickhouse/client` Tracehound uses; tests and the sink can put a proxy in front. */
export type ClickHouseLike = Pick<ClickHouseClient, 'query' | 'insert' | 'command' | 'ping' | 'close'>;

export type InsertFormat = 'JSONEachRow' | 'JSONCompactEachRow';

export interface InsertOptions {
  /** Same token, same rows → the engine stores them once (see TableSpec.dedupWindow). Letters, digits, `._:-` only. */
  token?: string;
  format?: InsertFormat;
  /**
   * Embedded chDB only: through a payload file or chDB's raw insert of the bytes. By default the
   * file from FILE_INSERT_MIN_ROWS rows on (bench/sink-insert.ts, cases interleaved: 1.27x at
   * 1,000 rows, 1.10x at 10,000, 1.55x at 50,000); below that, where nothing was measured, the
   * raw insert, with no file per insert.
   */
  via?: 'file' | 'raw';
}

export const FILE_INSERT_MIN_ROWS = 1_000;

const TOKEN = /^[A-Za-z0-9._:-]{1,256}$/;

/**
 * Inserts rows into a migration's table. Settings go into the statement (`INSERT INTO t (…)
 * SETTINGS … FORMAT …`) rather than `clickhouse_settings`: chDB applies the latter as a session
 * `SET` that would outlive this insert and leak into the next statement of the shared session.
 * Rows are objects for JSONEachRow, arrays in column order for JSONCompactEachRow.
 */
export async function insertRows(client: ClickHouseLike, database: string, spec: TableSpec, rows: readonly unknown[], o: InsertOptions = {}): Promise<number> {
  if (rows.length === 0) return 0;
  if (o.token !== undefined && !TOKEN.test(o.token)) throw new Error(`bad insert deduplication token ${JSON.stringify(o.token)}`);
  const settings = o.token ? ` SETTINGS insert_deduplication_token = '${o.token}'` : '';
  const embedded = (o.via ?? (rows.length >= FILE_INSERT_MIN_ROWS ? 'file' : 'raw')) === 'raw' ? rawInserter(client) : fileInserter(client);
  const format = o.format ?? 'JSONEachRow';
  try {
    if (embedded) {
      const body = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
      await embedded({
        table: qualified({ database }, spec.name), columns: insertColumns(spec), structure: insertStructure(spec), format, body,
        settings: o.token ? { insert_deduplication_token: o.token } : {},
      });
      return rows.length;
    }
    await client.insert({
      table: `${qualified({ database }, spec.name)} (${insertColumns(spec).join(', ')})${settings}`,
      values: rows as unknown[],
      format,
    });
  } catch (err) {
    throw toClickHouseError(err, `insert of ${rows.length} rows into ${spec.name} failed`);
  }
  return rows.length;
}

export interface QueryLimits {
  maxExecutionSeconds?: number;
  maxRowsToRead?: number;
}

/**
 * Runs a SELECT with bound parameters (`{name:Type}` in the SQL, values in `params`): no request
 * value is ever part of the SQL text. Limits become a SETTINGS clause of this query only.
 */
export async function selectRows<T>(client: ClickHouseLike, sql: string, params: Record<string, unknown> = {}, limits: QueryLimits = {}): Promise<T[]> {
  const settings: string[] = [];
  if (limits.maxExecutionSeconds) settings.push(`max_execution_time = ${Math.floor(limits.maxExecutionSeconds)}`);
  if (limits.maxRowsToRead) settings.push(`max_rows_to_read = ${Math.floor(limits.maxRowsToRead)}`);
  const query = settings.length ? `${sql}\nSETTINGS ${settings.join(', ')}` : sql;
  try {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await rs.json<T>();
  } catch (err) {
    throw toClickHouseError(err, 'query failed');
  }
}

export async function runCommand(client: ClickHouseLike, sql: string, params: Record<string, unknown> = {}): Promise<void> {
  try {
    await client.command({ query: sql, query_params: params });
  } catch (err) {
    throw toClickHouseError(err, 'command failed');
  }
}
