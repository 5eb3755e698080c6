import { TracehoundError, errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { ident, localName, onCluster, qualified, type DdlContext } from './schema/ddl.js';
import { createTable, modifyTtl, type TableSpec } from './schema/table.js';
import { insertRows, runCommand, selectRows, type ClickHouseLike } from './io.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { T } from './migrations/migration.js';
import { msToClickHouse } from './rows/nanos.js';

export const SCHEMA_MIGRATIONS = {
  name: 'schema_migrations',
  columns: [
    { name: 'version', type: T.U32 },
    { name: 'name', type: T.S },
    { name: 'applied_at', type: T.MS },
  ],
  engine: 'ReplacingMergeTree',
  orderBy: 'version',
} as const satisfies TableSpec;

/** Every DDL statement the migrations produce for a context, in order; what a DBA reviews for a cluster. */
export function migrationSql(ctx: DdlContext, migrations: readonly Migration[] = MIGRATIONS): string[] {
  return [`CREATE DATABASE IF NOT EXISTS ${ident(ctx.database)}${onCluster(ctx)}`, ...createTable(ctx, SCHEMA_MIGRATIONS), ...migrations.flatMap((m) => m.up(ctx))];
}

export interface MigrateResult {
  applied: number[];
  ttlChanged: string[];
}

/**
 * Brings the database to the newest schema: applies the migrations not yet recorded in
 * `schema_migrations`, in order, recording each, then aligns table TTLs with the retention
 * settings. Safe to run from several processes: every statement is idempotent.
 */
export async function migrate(client: ClickHouseLike, ctx: DdlContext, logger?: Logger, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const exec = async (sql: string, what: string) => {
    try {
      await runCommand(client, sql);
    } catch (cause) {
      throw new TracehoundError('TH_ERR_MIGRATION', `${what}: ${errorMessage(cause)}`, { cause, retriable: (cause as TracehoundError).retriable });
    }
  };
  await exec(`CREATE DATABASE IF NOT EXISTS ${ident(ctx.database)}${onCluster(ctx)}`, 'create database');
  for (const s of createTable(ctx, SCHEMA_MIGRATIONS)) await exec(s, 'create schema_migrations');
  const done = new Set((await selectRows<{ version: number }>(client, `SELECT version FROM ${qualified(ctx, 'schema_migrations')}`)).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const s of m.up(ctx)) await exec(s, `migration ${m.version} (${m.name})`);
    await insertRows(client, ctx.database, SCHEMA_MIGRATIONS, [{ version: m.version, name: m.name, applied_at: msToClickHouse(Date.now()) }]);
    applied.push(m.version);
    logger?.info({ version: m.version, name: m.name }, 'storage migration applied');
  }
  const ttlChanged = await alignRetention(client, ctx, migrations);
  return { applied, ttlChanged };
}

async function alignRetention(client: ClickHouseLike, ctx: DdlContext, migrations: readonly Migration[]): Promise<string[]> {
  const specs = migrations.flatMap((m) => m.tables ?? []).filter((t) => t.ttl);
  const rows = await selectRows<{ name: string; engine_full: string }>(client, 'SELECT name, engine_full FROM system.tables WHERE database = {db:String}', { db: ctx.database });
  const engines = new Map(rows.map((r) => [r.name, r.engine_full]));
  const changed: string[] = [];
  for (const spec of specs) {
    const days = /toIntervalDay\((\d+)\)/.exec(spec.ttl!(ctx))?.[1];
    const current = engines.get(localName(ctx, spec.name)) ?? '';
    if (days && !current.includes(`toIntervalDay(${days})`)) {
      await runCommand(client, modifyTtl(ctx, spec)!);
      changed.push(spec.name);
    }
  }
  return changed;
}

