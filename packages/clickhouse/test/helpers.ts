import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, migrate, type ClickHouseClient, type DdlContext } from '../src/index.js';

// The sample records are from 2025: retention long enough that TTL does not drop them on insert.
export const RETENTION = { eventsDays: 3650, alertsDays: 3650, auditDays: 3650 };

let shared: ClickHouseClient | undefined;
let sharedDir: string | undefined;
let n = 0;

/** The data dir of this file's embedded ClickHouse (after session()). */
export const sharedDataDir = (): string | undefined => sharedDir;

/**
 * One embedded ClickHouse per test file, as in production (chDB binds one data directory per
 * process and releases it asynchronously): subtests get databases of their own instead.
 */
export function session(): ClickHouseClient {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'th-ch-test-'));
    sharedDir = dir;
    shared = createClickHouse({ dataDir: dir, database: 'x' });
    const s = shared;
    t.teardown(async () => {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  return shared;
}

export const freshDatabase = (prefix = 'th'): string => `${prefix}_${process.pid}_${n++}`;

/** A fresh database with the schema migrated, on the file's ClickHouse. */
export async function migratedClickHouse(_t: Test): Promise<{ ch: ClickHouseClient; ctx: DdlContext; db: string }> {
  const ch = session();
  const ctx: DdlContext = { database: freshDatabase(), retention: RETENTION };
  await migrate(ch, ctx);
  return { ch, ctx, db: ctx.database };
}
