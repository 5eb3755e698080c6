/**
 * API latency over a large events table in embedded ClickHouse: p50/p95 of the common queries
 * and dashboard stats through the whole stack (Fastify, auth, TypeBox, bound-parameter SQL,
 * chDB), for an admin (all namespaces) and a viewer scoped to 3 namespaces; then a backtest of
 * one rule over every stored event. Data is generated once and kept in the data dir.
 * Run: npx tsx bench/api-queries.ts [rows=10000000] [dataDir=/tmp/th-bench-api]
 */
import { silentLogger } from '@tracehound/logging';
import { createClickHouse } from '@tracehound/clickhouse';
import { defaultRuleRecords } from '@tracehound/detector';
import { buildApi } from '../services/api/src/app.js';
import { DetectorRuleEngine } from '../services/api/src/adapters/detector-engine.js';
import { RuleService } from '../services/api/src/rules/rule-service.js';
import { ensureBenchEvents } from './api-data.js';
import { fmt, machine, percentile } from './stats.js';

const N = Number(process.argv[2] ?? 10_000_000);
const dataDir = process.argv[3] ?? '/tmp/th-bench-api';
const ch = createClickHouse({ dataDir, database: 'bench' });
const ddl = { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };
const api = await buildApi({ clickhouse: ch, ddl, logger: silentLogger(), rateLimitPerMinute: 1_000_000, queryTimeoutS: 60 });
console.log(`API benchmark — ${fmt(N)} events — ${machine()}`);
const genSecs = await ensureBenchEvents(ch, 'bench', N, (s) => console.log(s));
if (genSecs) console.log(`generated ${fmt(N)} events in ${fmt(genSecs, 0)} s (${fmt(N / genSecs)} rows/s, INSERT … SELECT inside the engine)`);

const password = 'benchmark password 1';
for (const [name, role, namespaces] of [['bench-admin', 'admin', '*'], ['bench-viewer', 'viewer', ['ns-1', 'ns-2', 'ns-3']]] as const) {
  await api.auth.createUser({ username: name, password, role, namespaces: namespaces === '*' ? '*' : [...namespaces] }).catch(() => undefined);
}
const token = async (u: string) => (await api.auth.login(u, password)).token;
const callers = { admin: await token('bench-admin'), 'viewer (3 ns)': await token('bench-viewer') };

const [{ id: someId }] = await (await ch.query({ query: "SELECT id FROM bench.events WHERE namespace = 'ns-2' LIMIT 1", format: 'JSONEachRow' })).json<{ id: string }>();
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
const cases: Array<[string, string, 'filtered' | 'stats']> = [
  ['events: newest 100 (24 h)', '/api/v1/events?limit=100', 'filtered'],
  ['events: namespace + kind (24 h)', '/api/v1/events?namespace=ns-2&kind=file_open', 'filtered'],
  ['events: pod (7 d)', `/api/v1/events?pod=ns-2-pod-7&from=${weekAgo}`, 'filtered'],
  ['events: comm + uid (1 h)', `/api/v1/events?comm=curl&uid=0&from=${hourAgo}`, 'filtered'],
  ['events: dst CIDR + port (24 h)', '/api/v1/events?dst=10.2.0.0%2F16&port=5432', 'filtered'],
  ['events: path prefix (24 h)', '/api/v1/events?path=%2Fetc%2F', 'filtered'],
  ['events: free text in args (1 h)', `/api/v1/events?q=169.254&from=${hourAgo}`, 'filtered'],
  ['events: page 2 via cursor', '', 'filtered'],
  ['event by id, with ancestry and process', `/api/v1/events/${someId}`, 'filtered'],
  ['stats: events per 5 min by kind (24 h)', `/api/v1/stats/events/timeseries?interval=5m&by=kind&from=${dayAgo}`, 'stats'],
  ['stats: events per hour by namespace (7 d)', `/api/v1/stats/events/timeseries?interval=1h&by=namespace&from=${weekAgo}`, 'stats'],
  ['stats: top 10 namespaces (7 d)', `/api/v1/stats/events/top?by=namespace&from=${weekAgo}`, 'stats'],
  ['stats: top kinds (24 h)', '/api/v1/stats/events/top?by=kind', 'stats'],
];

const RUNS = 30;
console.log('| query | caller | p50 ms | p95 ms | rows |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const [name, url0, _group] of cases) {
  for (const [who, tok] of Object.entries(callers)) {
    let url = url0;
    if (!url) {
      const first = await api.app.inject({ method: 'GET', url: '/api/v1/events?limit=100', headers: { authorization: `Bearer ${tok}` } });
      url = `/api/v1/events?limit=100&cursor=${JSON.parse(first.body).nextCursor}`;
    }
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const t0 = process.hrtime.bigint();
      const r = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.statusCode !== 200 && r.statusCode !== 404) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
      const b = JSON.parse(r.body);
      rows = b.items?.length ?? b.points?.length ?? (b.event ? 1 : 0);
      if (i >= 3) ms.push(took);
    }
    ms.sort((a, b) => a - b);
    console.log(`| ${name} | ${who} | ${fmt(percentile(ms, 50), 1)} | ${fmt(percentile(ms, 95), 1)} | ${rows} |`);
  }
}

// Backtest: the detector's engine with the default rules, over all stored events of one week.
const engine = new DetectorRuleEngine();
for (const r of defaultRuleRecords()) engine.applyRecord(r.key, r.value);
const limits = { maxExecutionSeconds: 600 };
const rules = new RuleService(engine, { publish: async () => undefined }, ch, 'bench', limits, { maxEvents: 20_000_000, timeoutMs: 300_000, pageRows: 50_000 });
// The any-kind rule reads every event; it runs under a 60 s bound here, which it may reach.
const boundedRules = new RuleService(engine, { publish: async () => undefined }, ch, 'bench', limits, { maxEvents: 20_000_000, timeoutMs: 60_000, pageRows: 50_000 });
const rule = {
  id: 'bench-curl-metadata', name: 'Metadata service from a container', description: 'curl to the cloud metadata address', severity: 'high', tags: ['incubating', 'T1552.005'],
  condition: { all: [{ condition: 'spawned_process' }, { fact: 'process.args', operator: 'contains', value: 'curl http://169.254.169.254/latest' }] },
  output: 'metadata access by {process.comm} in {k8s.namespace}',
};
const principal = { username: 'bench', role: 'admin' as const, allNamespaces: true, namespaces: [], auth: 'session' as const, tokenId: '' };
for (const [label, doc, service] of [
  ['process_exec rule (kinds pushed into SQL)', rule, rules],
  ['any-kind rule (every event read, 60 s bound)', { ...rule, id: 'bench-any', condition: { all: [{ fact: 'process.args', operator: 'contains', value: 'curl http://169.254.169.254/latest' }] } }, boundedRules],
] as const) {
  const t0 = Date.now();
  const res = await service.backtest(principal, { rule: doc as never, from: new Date(Date.now() - 8 * 86_400_000).toISOString(), limit: 10 });
  const secs = (Date.now() - t0) / 1000;
  console.log(`backtest, ${label}: evaluated ${fmt(res.evaluated)} events, matched ${fmt(res.matched)}, ${fmt(secs, 1)} s (${fmt(res.evaluated / secs)} events/s)${res.truncated ? `, truncated: ${res.reason}` : ''}`);
}
await api.close();
await ch.close();
