import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { drainPending } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';
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
  embedded.set(client, chdb);
  // chDB may finish destroying a session after close() returns (a native insert still holds it);
  // until then the data directory cannot be opened again. Close means closed here.
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await drainPending();
  };
  return client;
}

const embedded = new WeakMap<object, ReturnType<typeof createChdbConnection>>();

/** A wrapper around a client (a test's switchable engine, say) names the client it forwards to. */
export const UNDERLYING = Symbol.for('tracehound.clickhouse.underlying');

export interface RawInsert {
  table: string;
  columns: readonly string[];
  format: 'JSONEachRow' | 'JSONCompactEachRow' | 'TabSeparated';
  body: Buffer;
  settings: Record<string, string | number>;
}

/**
 * chDB's own insert: the payload goes to the engine as bytes, with per-insert settings, instead
 * of being turned into one SQL string by the generic connection (2-3x faster, see
 * bench/sink-insert.ts). Undefined for a server client, which inserts over HTTP as usual.
 */
export function rawInserter(client: object): ((r: RawInsert) => Promise<void>) | undefined {
  const target = (client as { [UNDERLYING]?: () => object })[UNDERLYING]?.() ?? client;
  const chdb = embedded.get(target);
  if (!chdb) return undefined;
  return async (r) => {
    await chdb.chdb.rawInsert({ table: r.table, columns: r.columns, format: r.format, values: r.body, settings: r.settings });
  };
}

/** Creates the database if needed; tables are qualified with it by the migrations. */
export async function ensureDatabase(client: ClickHouseClient, database: string): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_CLICKHOUSE_DATABASE: expected a ClickHouse identifier, got ${JSON.stringify(database)}`);
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
}
