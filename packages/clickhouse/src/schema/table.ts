import { engine, ident, localName, onCluster, qualified, type DdlContext, type EngineKind } from './ddl.js';

export interface Column {
  name: string;
  /** ClickHouse type, e.g. `LowCardinality(String)` */
  type: string;
  codec?: string;
  /** `MATERIALIZED expr` or `DEFAULT expr`: computed by the engine, never sent by writers. */
  expression?: string;
}

export interface TableSpec {
  name: string;
  columns: readonly Column[];
  engine: EngineKind;
  engineArgs?: string[];
  orderBy: string;
  partitionBy?: string;
  ttl?: (ctx: DdlContext) => string;
  indexes?: string[];
  /** `PROJECTION name (SELECT …)`: stored inside each part, so always consistent with its rows. */
  projections?: string[];
  /**
   * Sink tables keep the hashes of recent insert blocks so that an insert repeated with the same
   * `insert_deduplication_token` is dropped. Replicated engines do this by default; plain
   * MergeTree needs `non_replicated_deduplication_window` (verified in test/dedup.test.ts).
   */
  dedupWindow?: number;
  settings?: Record<string, string | number>;
  /** Sharding key of the Distributed table on a cluster; deterministic so a retried batch lands on the same shards. */
  shardBy?: string;
}

/** Names of the columns writers send (not the engine-computed ones). */
export function insertColumns(spec: TableSpec): string[] {
  return insertedColumns(spec).map((c) => c.name);
}

/** The columns writers send (those without a DEFAULT/MATERIALIZED expression), in table order. */
export function insertedColumns(spec: TableSpec): Column[] {
  return spec.columns.filter((c) => !c.expression);
}

/** `name Type, …` of the columns writers send, in insertColumns order: how a payload file is read. */
export function insertStructure(spec: TableSpec): string {
  return insertedColumns(spec).map((c) => `${c.name} ${c.type}`).join(', ');
}

function columnDdl(c: Column): string {
  return `${ident(c.name)} ${c.type}${c.expression ? ` ${c.expression}` : ''}${c.codec ? ` CODEC(${c.codec})` : ''}`;
}

/** CREATE TABLE statements for one table: one on a single node, local + Distributed on a cluster. */
export function createTable(ctx: DdlContext, spec: TableSpec): string[] {
  const settings: Record<string, string | number> = { ...(spec.settings ?? {}) };
  if (spec.dedupWindow && !ctx.cluster) settings.non_replicated_deduplication_window = spec.dedupWindow;
  const body = [...spec.columns.map(columnDdl), ...(spec.indexes ?? []).map((i) => `INDEX ${i}`), ...(spec.projections ?? []).map((p) => `PROJECTION ${p}`)].join(',\n  ');
  const settingsSql = Object.keys(settings).length ? `\nSETTINGS ${Object.entries(settings).map(([k, v]) => `${ident(k)} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}` : '';
  const local = `${ident(ctx.database)}.${localName(ctx, spec.name)}`;
  const stmts = [
    `CREATE TABLE IF NOT EXISTS ${local}${onCluster(ctx)}\n(\n  ${body}\n)\nENGINE = ${engine(ctx, spec.name, spec.engine, spec.engineArgs)}` +
      `${spec.partitionBy ? `\nPARTITION BY ${spec.partitionBy}` : ''}\nORDER BY ${spec.orderBy}${spec.ttl ? `\nTTL ${spec.ttl(ctx)}` : ''}${settingsSql}`,
  ];
  if (ctx.cluster) {
    stmts.push(
      `CREATE TABLE IF NOT EXISTS ${qualified(ctx, spec.name)}${onCluster(ctx)} AS ${local}\n` +
        `ENGINE = Distributed(${ident(ctx.cluster)}, ${ident(ctx.database)}, ${localName(ctx, spec.name)}, ${spec.shardBy ?? 'rand()'})`,
    );
  }
  return stmts;
}

/** A materialized view from one table's local rows into another's (the roll-ups). */
export function createMaterializedView(ctx: DdlContext, name: string, from: string, to: string, select: (source: string) => string): string[] {
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ident(ctx.database)}.${localName(ctx, name)}${onCluster(ctx)} TO ${ident(ctx.database)}.${localName(ctx, to)}\nAS ${select(`${ident(ctx.database)}.${localName(ctx, from)}`)}`,
  ];
}

/** ALTER … MODIFY TTL for a table whose retention setting changed. */
export function modifyTtl(ctx: DdlContext, spec: TableSpec): string | undefined {
  if (!spec.ttl) return undefined;
  return `ALTER TABLE ${ident(ctx.database)}.${localName(ctx, spec.name)}${onCluster(ctx)} MODIFY TTL ${spec.ttl(ctx)}`;
}
