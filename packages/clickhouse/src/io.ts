import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { fileInserter, rawInserter } from './client.js';
import { nativeStructure, withNativePayload, type NativeColumns } from './rows/native.js';
import { qualified } from './schema/ddl.js';
import { insertColumns, insertStructure, type TableSpec } from './schema/table.js';
import { toClickHouseError } from './errors.js';
import { TracehoundError, errorMessage } from '@tracehound/errors';

/** The part of `@clickhouse/client` Tracehound uses; tests and the sink can put a proxy in front. */
export type ClickHouseLike = Pick<ClickHouseClient, 'query' | 'insert' | 'command' | 'ping' | 'close'>;

/** Native takes rows as column-ordered value arrays, or any records with `columns` to read them; encoded by rows/native.ts. */
export type InsertFormat = 'JSONEachRow' | 'JSONCompactEachRow' | 'Native';

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
  /** Further settings of this one insert (numbers only), e.g. `optimize_on_insert: 0`. */
  settings?: Record<string, number>;
  /** Native: how each column's value is read from a row (e.g. EVENT_NATIVE_COLUMNS over consumed records); rows are value arrays without it. */
  columns?: NativeColumns<never>;
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
  const settings: Record<string, string | number> = { ...(o.token ? { insert_deduplication_token: o.token } : {}), ...o.settings };
  const settingsSql = Object.keys(settings).length ? ` SETTINGS ${Object.entries(settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}` : '';
  const format = o.format ?? 'JSONEachRow';
  const native = format === 'Native';
  // Native is binary: the file reader takes it, the raw insert (text formats) does not.
  const embedded = !native && (o.via ?? (rows.length >= FILE_INSERT_MIN_ROWS ? 'file' : 'raw')) === 'raw' ? rawInserter(client) : fileInserter(client);
  const table = qualified({ database }, spec.name);
  const body = !native && embedded ? Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')) : undefined;
  try {
    if (native) {
      return await withNativeBody(spec, rows, o.columns, async (parts) => {
        if (embedded) {
          await embedded({ table, columns: insertColumns(spec), structure: nativeStructure(spec), format, body: parts, settings });
          return rows.length;
        }
        const exec = (client as Partial<Pick<ClickHouseClient, 'exec'>>).exec?.bind(client);
        if (!exec) throw new Error('a Native insert needs a client with exec');
        const rs = await exec({ query: `INSERT INTO ${table} (${insertColumns(spec).join(', ')})${settingsSql} FORMAT Native`, values: Readable.from(parts) });
        rs.stream.resume();
        return rows.length;
      });
    }
    if (body) {
      await embedded!({ table, columns: insertColumns(spec), structure: insertStructure(spec), format, body, settings });
      return rows.length;
    }
    await client.insert({ table: `${table} (${insertColumns(spec).join(', ')})${settingsSql}`, values: rows as unknown[], format: format as Exclude<InsertFormat, 'Native'> });
  } catch (err) {
    throw toClickHouseError(err, `insert of ${rows.length} rows into ${spec.name} failed`);
  }
  return rows.length;
}

/**
 * Encodes the Native payload and hands its parts to `send`. A value the Native encoder cannot
 * write (a number out of its column's range, say) is bad data, as the engine would call it;
 * what `send` throws passes unchanged.
 */
async function withNativeBody<T>(spec: TableSpec, rows: readonly unknown[], columns: NativeColumns<never> | undefined, send: (parts: Buffer[]) => Promise<T>): Promise<T> {
  let sending = false;
  try {
    return await withNativePayload(spec, rows, columns as NativeColumns<unknown> | undefined, (parts) => {
      sending = true;
      return send(parts);
    });
  } catch (err) {
    if (sending) throw err;
    throw new TracehoundError('TH_ERR_CLICKHOUSE_DATA', `insert of ${rows.length} rows into ${spec.name} failed: cannot encode as Native: ${errorMessage(err)}`, { cause: err });
  }
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
