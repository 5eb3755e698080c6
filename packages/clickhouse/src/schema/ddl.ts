import { TracehoundError } from '@tracehound/errors';

/**
 * What the DDL of every migration depends on. The same migrations produce single-node DDL
 * (chDB or one server) and cluster DDL: with `cluster` set, each table becomes a Replicated
 * `<name>_local` table on every node plus a Distributed `<name>` over them, every statement
 * runs ON CLUSTER, and materialized views read and write the local tables.
 */
export interface DdlContext {
  database: string;
  cluster?: string | undefined;
  retention: { eventsDays: number; alertsDays: number; auditDays: number };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An identifier that reaches SQL text: only ever from code or validated config, checked again here. */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new TracehoundError('TH_ERR_CONFIG', `not a ClickHouse identifier: ${JSON.stringify(name)}`);
  return name;
}

export const onCluster = (ctx: DdlContext): string => (ctx.cluster ? ` ON CLUSTER ${ident(ctx.cluster)}` : '');

/** The table rows physically live in: `<name>_local` on a cluster, `<name>` otherwise. */
export const localName = (ctx: DdlContext, table: string): string => (ctx.cluster ? `${table}_local` : table);

/** Fully qualified name of the table queries and inserts address (the Distributed one on a cluster). */
export const qualified = (ctx: Pick<DdlContext, 'database'>, table: string): string => `${ident(ctx.database)}.${ident(table)}`;

export type EngineKind = 'MergeTree' | 'ReplacingMergeTree' | 'SummingMergeTree' | 'AggregatingMergeTree';

/** `ReplicatedXMergeTree('/clickhouse/tables/{shard}/db/t', '{replica}', args…)` on a cluster, `XMergeTree(args…)` otherwise. */
export function engine(ctx: DdlContext, table: string, kind: EngineKind, args: string[] = []): string {
  if (!ctx.cluster) return `${kind}(${args.join(', ')})`;
  const zk = [`'/clickhouse/tables/{shard}/${ident(ctx.database)}/${localName(ctx, table)}'`, `'{replica}'`, ...args];
  return `Replicated${kind}(${zk.join(', ')})`;
}
