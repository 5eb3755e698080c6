import t from 'tap';
import { seedEvents, storeAlerts, storeEvents, testApi } from './helpers.js';

type Scope = '*' | string[];
const PEOPLE: Array<{ name: string; role: 'viewer' | 'analyst' | 'admin'; scope: Scope }> = [
  { name: 'admin-all', role: 'admin', scope: '*' },
  { name: 'analyst-all', role: 'analyst', scope: '*' },
  { name: 'analyst-shop', role: 'analyst', scope: ['shop'] },
  { name: 'viewer-all', role: 'viewer', scope: '*' },
  { name: 'viewer-shop-billing', role: 'viewer', scope: ['shop', 'billing'] },
  { name: 'viewer-none', role: 'viewer', scope: [] },
];

t.test('RBAC matrix: role × endpoint × namespace scope, by-id lookups and stats included', async (t) => {
  const a = await testApi(t);
  const events = seedEvents(300);
  await storeEvents(a.ch, events);
  await storeAlerts(a.ch, 30);
  const sees = (scope: Scope, ns: string) => scope === '*' || scope.includes(ns);
  // One event and one alert per namespace (and a host event with none), to look up by id.
  const eventIn: Record<string, string> = {};
  for (const e of events) eventIn[e.k8s?.namespace ?? ''] ??= e.id;
  const alertIn: Record<string, string> = { shop: 'al-0', billing: 'al-1', 'kube-system': 'al-2' };

  for (const person of PEOPLE) {
    const token = await a.user(person.role, person.scope, person.name);
    await t.test(person.name, async (t) => {
      // Lists: exactly the events of the visible namespaces.
      const list = await a.get('/api/v1/events?limit=1000', token);
      t.equal(list.status, 200);
      const want = events.filter((e) => sees(person.scope, e.k8s?.namespace ?? '')).length;
      t.equal(list.body.items.length, want, `sees ${want} events`);
      t.ok(list.body.items.every((x: { namespace: string }) => sees(person.scope, x.namespace)), 'none from elsewhere');
      // Asking for a namespace outside the scope gives nothing, not an error that confirms it exists.
      const outside = await a.get('/api/v1/events?namespace=kube-system', token);
      t.equal(outside.body.items.length, sees(person.scope, 'kube-system') ? 100 - 10 : 0);
      // By id: visible → 200, elsewhere → 404 (not 403: no object access or existence hint across scope).
      for (const [ns, id] of Object.entries(eventIn)) {
        t.equal((await a.get(`/api/v1/events/${id}`, token)).status, sees(person.scope, ns) ? 200 : 404, `event in "${ns}"`);
      }
      for (const [ns, id] of Object.entries(alertIn)) {
        t.equal((await a.get(`/api/v1/alerts/${id}`, token)).status, sees(person.scope, ns) ? 200 : 404, `alert in ${ns}`);
        const ack = await a.send('POST', `/api/v1/alerts/${id}/ack`, token, {});
        t.equal(ack.status, person.role === 'viewer' ? 403 : sees(person.scope, ns) ? 200 : 404, `ack alert in ${ns}`);
        const comment = await a.send('POST', `/api/v1/alerts/${id}/comments`, token, { text: 'x' });
        t.equal(comment.status, person.role === 'viewer' ? 403 : sees(person.scope, ns) ? 200 : 404, `comment on alert in ${ns}`);
      }
      const alerts = await a.get('/api/v1/alerts?limit=1000', token);
      t.ok(alerts.body.items.every((x: { namespace: string }) => sees(person.scope, x.namespace)));
      t.equal(alerts.body.items.length, ['shop', 'billing', 'kube-system'].filter((ns) => sees(person.scope, ns)).length * 10);
      // Stats: only visible namespaces, also in sums.
      const top = await a.get('/api/v1/stats/events/top?by=namespace', token);
      t.ok(top.body.items.every((x: { key: string }) => sees(person.scope, x.key)), 'stats keys within scope');
      const series = await a.get('/api/v1/stats/alerts/timeseries?interval=1h', token);
      t.equal(series.body.points.reduce((s: number, p: { count: number }) => s + p.count, 0), alerts.body.items.length, 'stats sums within scope');
      // Administration and rule changes.
      t.equal((await a.get('/api/v1/users', token)).status, person.role === 'admin' ? 200 : 403, 'users');
      const ruleWrite = await a.send('POST', '/api/v1/rules', token, { id: 'x-rule' });
      const mayWriteRules = person.role !== 'viewer' && person.scope === '*';
      t.equal(ruleWrite.status === 403, !mayWriteRules, `rule changes ${mayWriteRules ? 'allowed' : 'forbidden'}`);
      for (const [method, url] of [['PUT', '/api/v1/rules/x-rule'], ['POST', '/api/v1/rules/x-rule/disable'], ['DELETE', '/api/v1/rules/x-rule']] as const) {
        const r = await a.send(method, url, token, method === 'PUT' ? { id: 'x-rule' } : undefined);
        t.equal(r.status === 403, !mayWriteRules, `${method} ${url}`);
      }
      const backtest = await a.send('POST', '/api/v1/rules/backtest', token, { ruleId: 'x-rule', from: '2026-01-01T00:00:00Z' });
      t.equal(backtest.status === 403, person.role === 'viewer', 'backtest');
    });
  }
});
