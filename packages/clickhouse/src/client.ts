import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { drainPending } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TracehoundError } from '@tracehound/errors';

export type { ClickHouseClient };
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouseOptions {
  /** http(s) URL of a ClickHouse server; unset means embedded chDB. */
  url?: string | undefined;
  /** Where embedded chDB keeps its data (one process per directory). */
  dataDir: string;
  database: string;
  requestTimeoutMs?: number;
}

/** What the client talks to, for logs and start-up messages; never for branching elsewhere. */
export interface ClickHouseTarget {
  kind: 'server' | 'embedded';
  where: string;
}

export function describeTarget(o: ClickHouseOptions): ClickHouseTarget {
  if (o.url) {
    const u = new URL(o.url);
    return { kind: 'server', where: `${u.protocol}//${u.host}${u.pathname}` }; // no credentials
  }
  return { kind: 'embedded', where: resolve(join(o.dataDir, 'clickhouse')) };
}

/** The client configuration for a server URL; credentials and database may come in the URL. */
export function serverClientConfig(o: ClickHouseOptions): Parameters<typeof createClient>[0] {
  let u: URL;
  try {
    u = new URL(o.url ?? '');
  } catch (cause) {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_CLICKHOUSE_URL: expected an http(s) URL, got ${JSON.stringify(o.url)}`, { cause });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_CLICKHOUSE_URL: expected http or https, got ${u.protocol}`);
  }
  const dbFromPath = u.pathname.replace(/^\//, '');
  const username = decodeURIComponent(u.username) || 'default';
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  u.pathname = '/';
  return {
    url: u.toString().replace(/\/$/, ''),
    username,
    password,
    database: dbFromPath || o.database,
    request_timeout: o.requestTimeoutMs ?? 30_000,
    compression: { request: false, response: true },
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  };
}

/**
 * The one place that knows which ClickHouse Tracehound talks to. Everything else takes the
 * returned `@clickhouse/client` and stays the same for chDB and for a server or cluster.
 */
export function createClickHouse(o: ClickHouseOptions): ClickHouseClient {
  if (o.url) return createClient(serverClientConfig(o));
  const path = describeTarget(o).where;
  mkdirSync(path, { recursive: true });
  const chdb = createChdbConnection({ path });
  // chdb types its connection against @clickhouse/client-common, which @clickhouse/client now
  // bundles under its own path: the shapes are the same, the declarations are not shared.
  const client = createClient({ connection: chdb as unknown as ClientConnection });
  const spool = resolve(join(o.dataDir, 'clickhouse-inserts'));
  mkdirSync(spool, { recursive: true });
  // Payloads a killed process left behind (one process per data dir, so not another's live insert).
  for (const f of readdirSync(spool)) if (!f.startsWith(`${process.pid}-`)) rmSync(join(spool, f), { force: true });
  embedded.set(client, { chdb, spool });
  // chDB may finish destroying a session after close() returns (a native insert still holds it);
  // until then the data directory cannot be opened again. Close means closed here.
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await drainPending();
  };
  return client;
}

/** An embedded client's chDB connection, and where its file inserts put their payloads. */
const embedded = new WeakMap<object, { chdb: ReturnType<typeof createChdbConnection>; spool: string }>();
const embeddedOf = (client: object) => embedded.get((client as { [UNDERLYING]?: () => object })[UNDERLYING]?.() ?? client);

/** A wrapper around a client (a test's switchable engine, say) names the client it forwards to. */
export const UNDERLYING = Symbol.for('tracehound.clickhouse.underlying');

export interface RawInsert {
  table: string;
  columns: readonly string[];
  /** Text formats for rawInserter; any input format (ArrowStream, Native, Parquet, …) for fileInserter. */
  format: string;
  /** The payload, or its parts in order (written to the payload file as they are, never joined). */
  body: Uint8Array | readonly Uint8Array[];
  settings: Record<string, string | number>;
  /** `name Type, …` of the payload's columns: fileInserter reads the payload with it (no type guessing). */
  structure?: string;
}

/**
 * chDB's own insert: the payload goes to the engine as bytes, with per-insert settings, instead
 * of being turned into one SQL string by the generic connection (2-3x faster, see
 * bench/sink-insert.ts). Text formats only. Undefined for a server client.
 */
export function rawInserter(client: object): ((r: RawInsert) => Promise<void>) | undefined {
  const e = embeddedOf(client);
  if (!e) return undefined;
  return async (r) => {
    const values = r.body instanceof Uint8Array ? r.body : Buffer.concat(r.body);
    await e.chdb.chdb.rawInsert({ table: r.table, columns: r.columns, format: r.format as 'JSONEachRow', values, settings: r.settings });
  };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9._:-]*$/;
let spooled = 0;
const literal = (v: string) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * chDB insert through a file: the payload is written next to the data dir and read by
 * `INSERT INTO t (cols) SETTINGS … SELECT * FROM file(path, format, structure)` — the engine's
 * file reader, with parallel parsing, instead of the insert-statement input path (1.4-1.9x the
 * rawInserter rate for the same JSONCompactEachRow bytes, see bench/sink-insert.ts), and open to
 * binary formats. Insert settings (the deduplication token) hold as for any insert. Undefined
 * for a server client.
 */
export function fileInserter(client: object): ((r: RawInsert) => Promise<void>) | undefined {
  const e = embeddedOf(client);
  if (!e) return undefined;
  return async (r) => {
    if (!r.structure) throw new Error('fileInserter needs the payload structure');
    for (const name of [r.table, r.format, ...r.columns, ...Object.keys(r.settings)]) if (!IDENT.test(name)) throw new Error(`bad identifier ${JSON.stringify(name)}`);
    for (const v of Object.values(r.settings)) if (!SETTING_VALUE.test(String(v))) throw new Error(`bad setting value ${JSON.stringify(v)}`);
    const settings = Object.entries(r.settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`);
    const path = join(e.spool, `${process.pid}-${++spooled}.${r.format}`);
    try {
      await writePayload(path, r.body);
      await e.chdb.chdb.queryAsync(`INSERT INTO ${r.table} (${r.columns.join(', ')})${settings.length ? ` SETTINGS ${settings.join(', ')}` : ''} SELECT * FROM file(${literal(path)}, '${r.format}', ${literal(r.structure)})`);
    } finally {
      await rm(path, { force: true });
    }
  };
}

/** Writes the payload file: one buffer, or parts in one vectored write (libuv writes them all, in IOV_MAX-sized steps). */
async function writePayload(path: string, body: Uint8Array | readonly Uint8Array[]): Promise<void> {
  if (body instanceof Uint8Array) return writeFile(path, body);
  const file = await open(path, 'w');
  try {
    const expected = body.reduce((n, b) => n + b.byteLength, 0);
    const { bytesWritten } = await file.writev(body as Uint8Array[]);
    if (bytesWritten !== expected) throw new Error(`payload file ${path}: wrote ${bytesWritten} of ${expected} bytes`);
  } finally {
    await file.close();
  }
}

/** Creates the database if needed; tables are qualified with it by the migrations. */
export async function ensureDatabase(client: ClickHouseClient, database: string): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_CLICKHOUSE_DATABASE: expected a ClickHouse identifier, got ${JSON.stringify(database)}`);
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
}
