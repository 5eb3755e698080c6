import type { Test } from 'tap';
import { createClickHouse, migrate, type ClickHouseClient, type DdlContext } from '../src/index.js';

// The sample records are from 2025: retention long enough that TTL does not drop them on insert.
export const RETENTION = { eventsDays: 3650, alertsDays: 3650, auditDays: 3650 };

/** A fresh embedded ClickHouse with the schema migrated, closed when the test ends. */
export async function migratedClickHouse(t: Test, database = 'th'): Promise<{ ch: ClickHouseClient; ctx: DdlContext }> {
  const ch = createClickHouse({ dataDir: t.testdir(), database });
  t.teardown(() => ch.close());
  const ctx: DdlContext = { database, retention: RETENTION };
  await migrate(ch, ctx);
  return { ch, ctx };
}
