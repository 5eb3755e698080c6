import t from 'tap';
import { selectRows } from '@tracehound/clickhouse';
import { DB, seedEvents, storeAlerts, storeEvents, testApi } from './helpers.js';

const NASTY = [
  "' OR 1=1 --",
  "shop' OR namespace != '",
  "x'); DROP TABLE api.events; --",
  '{p0:String}',
  '\\',
  '"; SELECT * FROM system.users; --',
  'Grüße 世界 🚀 ‮evil',
  'nul\u0000byte',
  '%00',
  '../../../../etc/passwd',
  '*',
];

t.test('SQL-looking, unicode and control characters in every filter: correct (usually empty) results or 400, never 500 or foreign data', async (t) => {
  const a = await testApi(t, { rateLimitPerMinute: 100_000 });
  await storeEvents(a.ch, seedEvents(200));
  await storeAlerts(a.ch, 12);
  const scoped = await a.user('viewer', ['shop']);
  const fields = ['namespace', 'pod', 'container', 'workload', 'node', 'kind', 'comm', 'exe', 'path', 'dst', 'q', 'enrichment', 'uid', 'port', 'from', 'to', 'cursor', 'order', 'limit'];
  for (const value of NASTY) {
    for (const field of fields) {
      const r = await a.get(`/api/v1/events?${field}=${encodeURIComponent(value)}`, scoped);
      t.ok(r.status === 200 || r.status === 400, `events ${field}=${JSON.stringify(value)} → ${r.status}`);
      if (r.status === 200) t.ok(r.body.items.every((x: { namespace: string }) => x.namespace === 'shop'), 'only in scope');
      if (r.status === 400) t.match(r.body, { error: /^TH_ERR_/, message: String }, 'a 4xx says what is wrong');
    }
    for (const field of ['severity', 'rule', 'namespace', 'state']) {
      const r = await a.get(`/api/v1/alerts?${field}=${encodeURIComponent(value)}`, scoped);
      t.ok(r.status === 200 || r.status === 400, `alerts ${field}=${JSON.stringify(value)} → ${r.status}`);
      if (r.status === 200) t.equal(r.body.items.length, 0);
    }
    for (const url of [`/api/v1/events/${encodeURIComponent(value)}`, `/api/v1/alerts/${encodeURIComponent(value)}`]) {
      const r = await a.get(url, scoped);
      t.ok(r.status === 404 || r.status === 400, `${url} → ${r.status}`);
    }
    const s = await a.get(`/api/v1/stats/events/top?by=${encodeURIComponent(value)}`, scoped);
    t.equal(s.status, 400, 'a group-by outside the allow-list');
  }
  // A literal value that looks like SQL matches literally, as data.
  t.equal((await a.get(`/api/v1/events?q=${encodeURIComponent("' OR 1=1 --")}`, a.admin)).body.items.length, 0);
  const tables = await selectRows<{ n: string }>(a.ch, `SELECT count() AS n FROM ${DB}.events`);
  t.equal(Number(tables[0]!.n), 200, 'the data is untouched');
});

t.test('oversized and malformed requests are clear 4xx', async (t) => {
  const a = await testApi(t, { bodyLimit: 64 * 1024 });
  const big = 'x'.repeat(5000);
  t.match(await a.get(`/api/v1/events?q=${big}`, a.admin), { status: 400, body: { error: 'TH_ERR_INVALID_INPUT', field: 'q' } });
  t.equal((await a.get(`/api/v1/events?${Array.from({ length: 101 }, (_, i) => `kind=k${i}`).join('&')}`, a.admin)).status, 400, 'too many values');
  t.match(await a.get('/api/v1/events?limit=100000', a.admin), { status: 400, body: { field: 'limit' } });
  t.match(await a.get('/api/v1/events?limit=ten', a.admin), { status: 400 });
  t.match(await a.get('/api/v1/events?color=blue', a.admin), { status: 400, body: { message: /color/ } }, 'unknown query fields are refused');
  t.match(await a.get('/api/v1/events?from=yesterday', a.admin), { status: 400, body: { field: 'from' } });
  t.match(await a.get('/api/v1/events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', a.admin), { status: 400, body: { field: 'from' } });
  t.match(await a.get('/api/v1/events?dst=10.0.0.0%2F99', a.admin), { status: 400, body: { field: 'dst' } });
  for (const cursor of ['garbage!', Buffer.from('["1","x","y"]').toString('base64url'), Buffer.from('["1 OR 1=1","x"]').toString('base64url'), Buffer.from('{}').toString('base64url'), 'A'.repeat(800)]) {
    t.match(await a.get(`/api/v1/events?cursor=${cursor}`, a.admin), { status: 400, body: { error: 'TH_ERR_INVALID_INPUT' } }, `bad cursor ${cursor.slice(0, 20)}`);
  }
  const raw = (payload: string, type = 'application/json') => a.api.app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${a.admin}`, 'content-type': type }, payload });
  t.match(JSON.parse((await raw('{"username": "x",')).body), { error: 'TH_ERR_INVALID_INPUT' }, 'malformed JSON');
  t.equal((await raw('{"username": "x",')).statusCode, 400);
  t.equal((await raw(JSON.stringify({ username: 5, password: 'long enough password', role: 'viewer', namespaces: '*' }))).statusCode, 400, 'wrong type');
  t.match(JSON.parse((await raw(JSON.stringify({ username: 'u1', password: 'long enough password', role: 'viewer', namespaces: '*', isAdmin: true }))).body), { error: 'TH_ERR_INVALID_INPUT', message: /isAdmin/ }, 'unknown fields are refused, not dropped');
  t.equal((await raw(JSON.stringify({ username: 'u1', password: 'long enough password', role: 'root', namespaces: '*' }))).statusCode, 400, 'unknown role');
  t.equal((await raw(JSON.stringify({ text: 'x'.repeat(200_000) }))).statusCode, 413, 'huge body');
  t.equal((await raw('<xml/>', 'application/xml')).statusCode, 415);
  t.equal((await a.get('/api/v1/nothing-here', a.admin)).status, 404);
});

t.test('rate limit, security headers, CORS off, OpenAPI document', async (t) => {
  const a = await testApi(t, { rateLimitPerMinute: 5 });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await a.get('/api/v1/auth/me', a.admin)).status);
  t.same(statuses.slice(0, 4), [200, 200, 200, 200]);
  t.equal(statuses[6], 429, 'past the limit: 429');
  const r = await a.api.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
  t.equal(r.statusCode, 200, 'health is not rate limited');
  t.equal(r.headers['x-content-type-options'], 'nosniff');
  t.ok(r.headers['content-security-policy'], 'CSP set');
  t.equal(r.headers['access-control-allow-origin'], undefined, 'CORS off by default');
  const doc = await a.api.app.inject({ method: 'GET', url: '/docs/json' });
  const spec = JSON.parse(doc.body);
  for (const path of ['/api/v1/events', '/api/v1/events/{id}', '/api/v1/alerts', '/api/v1/alerts/{id}/ack', '/api/v1/stats/events/top', '/api/v1/rules', '/api/v1/rules/backtest', '/api/v1/stream/alerts', '/api/v1/auth/login', '/api/v1/tokens', '/api/v1/users']) {
    t.ok(spec.paths[path], `OpenAPI documents ${path}`);
  }
  t.ok(spec.paths['/api/v1/events'].get.parameters.some((p: { name: string }) => p.name === 'dst'), 'query parameters come from the TypeBox schema');
  t.equal((await a.api.app.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true, 'the UI is served');
});

t.test('a ClickHouse failure is a 503 without internals; readiness reports it; every request is audited', async (t) => {
  const a = await testApi(t);
  await a.get('/api/v1/events?namespace=shop', a.admin);
  await a.get('/api/v1/users', await a.user('viewer', ['shop'], 'audited'));
  const audit = async () => {
    await new Promise((r) => setTimeout(r, 1_200));
    return selectRows<{ actor: string; route: string; status: number; method: string }>(a.ch, `SELECT actor, route, status, method FROM ${DB}.api_audit ORDER BY ts`);
  };
  const rows = await audit();
  t.ok(rows.some((r) => r.actor === 'admin' && r.route === '/api/v1/events' && Number(r.status) === 200), 'who, what, result');
  t.ok(rows.some((r) => r.actor === 'audited' && r.route === '/api/v1/users' && Number(r.status) === 403), 'refusals too');
  t.ok(rows.some((r) => r.route === '/api/v1/auth/login' && r.actor === ''), 'anonymous calls too');
  const token = a.admin;
  await a.ch.close();
  const r = await a.get('/api/v1/events', token);
  t.equal(r.status, 503);
  t.equal(r.body.message, 'storage is unavailable; try again shortly');
  t.notMatch(JSON.stringify(r.body), /Chdb|closed|stack|at /i, 'no internals');
  await new Promise((res) => setTimeout(res, 2_100));
  t.equal((await a.api.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
});
