import t from 'tap';
import { migrate, migrationSql, MIGRATIONS, selectRows } from '../src/index.js';
import { RETENTION, freshDatabase, session } from './helpers.js';

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

t.test('a changed retention alters the TTL at the next start', async (t) => {
  const ch = session();
  const m2 = freshDatabase('m');
  await migrate(ch, { database: m2, retention: RETENTION });
  const r = await migrate(ch, { database: m2, retention: { ...RETENTION, eventsDays: 7 } });
  t.same(r.ttlChanged, ['events']);
  const [row] = await selectRows<{ engine_full: string }>(ch, "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'events'", { db: m2 });
  t.match(row!.engine_full, /toIntervalDay\(7\)/);
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
