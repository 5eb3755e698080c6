import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNDERLYING, createClickHouse, migrate, type ClickHouseClient, type ClickHouseLike, type DdlContext } from '@tracehound/clickhouse';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';

export const RETENTION = { eventsDays: 30, alertsDays: 365, auditDays: 365 };

/** Events stamped around now, so retention (TTL) never drops them on insert. */
export function freshEvents(n: number, prefix = 'e'): Event[] {
  const base = BigInt(Date.now()) * 1_000_000n;
  return Array.from({ length: n }, (_, i) => sampleEnrichedEvent(i % 3 === 0 ? 'file_open' : 'process_exec', { id: `${prefix}-${i}`, ts: base + BigInt(i) * 1_000n }));
}

/**
 * A ClickHouse client whose engine can be closed and reopened under a running sink, the way a
 * server goes away and comes back: calls in between fail like a closed engine does.
 */
export class SwitchableClickHouse implements ClickHouseLike {
  current: ClickHouseClient | undefined;
  constructor(private readonly dataDir: string) {
    this.current = createClickHouse({ dataDir, database: 'x' });
  }
  async closeEngine(): Promise<void> {
    const c = this.current!;
    await c.close();
  }
  reopenEngine(): void {
    this.current = createClickHouse({ dataDir: this.dataDir, database: 'x' });
  }
  /** insertRows takes chDB's native insert path through the wrapper, as it does for a plain client. */
  [UNDERLYING] = () => this.current!;
  query: ClickHouseClient['query'] = ((p: never) => this.current!.query(p)) as ClickHouseClient['query'];
  insert: ClickHouseClient['insert'] = ((p: never) => this.current!.insert(p)) as ClickHouseClient['insert'];
  command: ClickHouseClient['command'] = ((p: never) => this.current!.command(p)) as ClickHouseClient['command'];
  ping: ClickHouseClient['ping'] = ((p?: never) => this.current!.ping(p)) as ClickHouseClient['ping'];
  close = async () => this.current!.close();
}

export async function migrated(_t: Test, client: ClickHouseLike, database = 'sink'): Promise<DdlContext> {
  const ctx: DdlContext = { database, retention: RETENTION };
  await migrate(client, ctx);
  return ctx;
}

export async function count(client: ClickHouseLike, sql: string): Promise<number> {
  const rs = await client.query({ query: sql, format: 'JSONEachRow' });
  const rows = await rs.json<Record<string, string | number>>();
  return Number(Object.values(rows[0] ?? { c: 0 })[0]);
}

/**
 * Engines on a data dir outside tap's fixtures, removed only after the engine is closed: tap
 * removes t.testdir() before later teardowns run, and chDB cannot close a session whose files
 * are gone (one active data dir per process, so the next test could not open its own).
 */
function scratch(t: Test, open: (dir: string) => { close(): Promise<unknown> }) {
  const dir = mkdtempSync(join(tmpdir(), 'th-sink-test-'));
  const engine = open(dir);
  t.teardown(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return engine;
}

/** A data directory outside tap's fixtures that another process uses first (the kill test's child); the engine opened on it later closes, then removes it. */
export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'th-sink-test-'));
export const embeddedClickHouseAt = (t: Test, dir: string): ClickHouseClient => {
  const ch = createClickHouse({ dataDir: dir, database: 'sink' });
  t.teardown(async () => {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return ch;
};

export const embeddedClickHouse = (t: Test, database = 'sink'): ClickHouseClient => scratch(t, (dir) => createClickHouse({ dataDir: dir, database })) as ClickHouseClient;
export const switchableClickHouse = (t: Test): SwitchableClickHouse => scratch(t, (dir) => new SwitchableClickHouse(dir)) as SwitchableClickHouse;
