import t from 'tap';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { EVENTS, createTable, eventToRow, insertRows, migrate, migrationSql, MIGRATIONS, selectRows, type Migration } from '../src/index.js';
import { RETENTION, freshDatabase, session } from './helpers.js';

/** The events table's engine clause as the engine reports it (settings and TTL included). */
const eventsEngine = async (ch: ReturnType<typeof session>, db: string) =>
  (await selectRows<{ engine_full: string }>(ch, "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'events'", { db }))[0]!.engine_full;

t.test('migrations apply once, are recorded, and re-running applies nothing', async (t) => {
  const ch = session();
  const m1 = freshDatabase('m');
  const ctx = { database: m1, retention: RETENTION };
  const first = await migrate(ch, ctx);
  t.same(first.applied, MIGRATIONS.map((m) => m.version), 'every migration applied in order');
  const second = await migrate(ch, ctx);
  t.same(second, { applied: [], ttlChanged: [] }, 'nothing to do the second time');
  const recorded = await selectRows<{ version: number }>(ch, `SELECT version FROM ${m1}.schema_migrations FINAL ORDER BY version`);
  t.same(recorded.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  const tables = (await selectRows<{ name: string }>(ch, 'SELECT name FROM system.tables WHERE database = {db:String}', { db: m1 })).map((r) => r.name);
  for (const name of ['events', 'alerts', 'alert_state', 'rule_history', 'api_audit', 'users', 'api_tokens', 'events_per_minute', 'alerts_per_minute', 'events_per_minute_mv']) {
    t.ok(tables.includes(name), `${name} exists`);
  }
});

t.test('events parts below 128 MiB are Compact, on new tables and on tables migrated before the setting', async (t) => {
  const ch = session();
  const setting = /min_bytes_for_wide_part = 134217728/;
  const fresh = freshDatabase('m');
  await migrate(ch, { database: fresh, retention: RETENTION });
  const older = freshDatabase('m');
  const { min_bytes_for_wide_part: _added, ...settingsBefore } = EVENTS.settings;
  const eventsBefore: Migration = { ...MIGRATIONS[0]!, up: (ctx) => createTable(ctx, { ...EVENTS, settings: settingsBefore }) };
  await migrate(ch, { database: older, retention: RETENTION }, undefined, [eventsBefore, ...MIGRATIONS.slice(1).filter((m) => m.version < 12)]);
  t.notMatch(await eventsEngine(ch, older), setting, 'a table created before the setting lacks it');
  t.same((await migrate(ch, { database: older, retention: RETENTION })).applied, [12]);
  const now = Date.now();
  // 20,000 rows, as the sink inserts at most: ~17 MiB uncompressed, a Wide part at the engine's default 10 MiB.
  const rows = Array.from({ length: 20_000 }, (_, i) => eventToRow(sampleEnrichedEvent('process_exec', { id: `c-${i}`, ts: BigInt(now - i) * 1_000_000n }), { topic: 't', partition: 0, offset: String(i) }));
  for (const db of [fresh, older]) {
    t.match(await eventsEngine(ch, db), setting, `${db === fresh ? 'new' : 'older'} table has the setting`);
    await insertRows(ch, db, EVENTS, rows);
    const parts = await selectRows<{ part_type: string; rows: string; bytes: string }>(ch, "SELECT part_type, toString(rows) AS rows, toString(data_uncompressed_bytes) AS bytes FROM system.parts WHERE database = {db:String} AND table = 'events' AND active", { db });
    t.same(parts.map((p) => p.rows), ['20000'], 'one part of every row');
    t.ok(Number(parts[0]!.bytes) > 10 * 2 ** 20, `the insert is above the default threshold (${parts[0]!.bytes} bytes)`);
    t.equal(parts[0]!.part_type, 'Compact');
  }
});

t.test('a changed retention alters the TTL at the next start', async (t) => {
  const ch = session();
  const m2 = freshDatabase('m');
  await migrate(ch, { database: m2, retention: RETENTION });
  const r = await migrate(ch, { database: m2, retention: { ...RETENTION, eventsDays: 7 } });
  t.same(r.ttlChanged, ['events']);
  t.match(await eventsEngine(ch, m2), /toIntervalDay\(7\)/);
});

t.test('cluster DDL: ON CLUSTER, Replicated engines, Distributed tables, views on local tables', async (t) => {
  const sql = migrationSql({ database: 'th', cluster: 'prod', retention: RETENTION });
  const all = sql.join(';\n');
  t.ok(sql.every((s) => s.includes(' ON CLUSTER prod')), 'every statement runs on the cluster');
  t.match(all, /CREATE TABLE IF NOT EXISTS th\.events_local ON CLUSTER prod[\s\S]*ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/th\/events_local', '\{replica\}'\)/);
  t.match(all, /CREATE TABLE IF NOT EXISTS th\.events ON CLUSTER prod AS th\.events_local\nENGINE = Distributed\(prod, th, events_local, cityHash64\(id\)\)/);
  t.match(all, /ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/th\/users_local', '\{replica\}', updated_at\)/, 'engine arguments follow the replication path');
  t.match(all, /MATERIALIZED VIEW IF NOT EXISTS th\.events_per_minute_mv_local ON CLUSTER prod TO th\.events_per_minute_local\nAS SELECT .* FROM th\.events_local/);
  t.notMatch(all, /non_replicated_deduplication_window/, 'replicated tables deduplicate by default');
  const single = migrationSql({ database: 'th', retention: RETENTION }).join(';\n');
  t.notMatch(single, /ON CLUSTER|Replicated|Distributed|_local/);
  t.match(single, /non_replicated_deduplication_window = 1000/);
  t.throws(() => migrationSql({ database: 'th; DROP', retention: RETENTION }), { code: 'TH_ERR_CONFIG' });
});
