import t from 'tap';
import { NOW_NS, storeAlerts, testApi } from './helpers.js';

t.test('alert filters: severity, rule, namespace, state, time', async (t) => {
  const a = await testApi(t);
  await storeAlerts(a.ch, 60);
  const count = async (qs: string) => {
    const r = await a.get(`/api/v1/alerts?limit=1000&${qs}`, a.admin);
    t.equal(r.status, 200, qs);
    return r.body.items.length as number;
  };
  t.equal(await count(''), 60);
  t.equal(await count('severity=critical'), 15);
  t.equal(await count('severity=critical&severity=low'), 30);
  t.equal(await count('rule=rule-a'), 30);
  t.equal(await count('namespace=billing'), 20);
  t.equal(await count('namespace=billing&severity=high&rule=rule-b'), 5);
  t.equal(await count(`from=${NOW_NS - 10_500_000_000n}`), 10);
  t.equal(await count('state=open'), 60);
  await a.send('POST', '/api/v1/alerts/al-3/ack', a.admin, {});
  await a.send('POST', '/api/v1/alerts/al-4/resolve', a.admin, { comment: 'false positive' });
  t.equal(await count('state=open'), 58);
  t.equal(await count('state=acknowledged'), 1);
  t.equal(await count('state=resolved&state=acknowledged'), 2);
  const page = await a.get('/api/v1/alerts?limit=25', a.admin);
  const rest = await a.get(`/api/v1/alerts?limit=100&cursor=${page.body.nextCursor}`, a.admin);
  t.equal(page.body.items.length + rest.body.items.length, 60, 'pages join without gaps');
  t.equal(rest.body.nextCursor, null);
});

t.test('workflow: ack, assign, comment, resolve, reopen — state follows, history kept with who and when', async (t) => {
  const a = await testApi(t);
  await storeAlerts(a.ch, 3);
  const analyst = await a.user('analyst', ['shop'], 'ana');
  t.match(await a.send('POST', '/api/v1/alerts/al-0/ack', analyst, {}), { status: 200, body: { state: 'acknowledged' } });
  t.match(await a.send('POST', '/api/v1/alerts/al-0/assignee', analyst, { assignee: 'ana' }), { status: 200, body: { state: 'acknowledged', assignee: 'ana' } });
  t.match(await a.send('POST', '/api/v1/alerts/al-0/comments', analyst, { text: 'looking — 調査中' }), { status: 200, body: { assignee: 'ana' } });
  t.match(await a.send('POST', '/api/v1/alerts/al-0/resolve', analyst, {}), { body: { state: 'resolved', assignee: 'ana' } });
  t.match(await a.send('POST', '/api/v1/alerts/al-0/reopen', a.admin, {}), { body: { state: 'open' } });
  const d = await a.get('/api/v1/alerts/al-0', analyst);
  t.equal(d.status, 200);
  t.same(d.body.history.map((h: { action: string }) => h.action), ['ack', 'assign', 'comment', 'resolve', 'reopen']);
  t.same(d.body.history.map((h: { actor: string }) => h.actor), ['ana', 'ana', 'ana', 'ana', 'admin']);
  t.equal(d.body.history[2].comment, 'looking — 調査中');
  t.equal(d.body.event.id, 'al-ev-0', 'the triggering event comes with the alert');
  t.equal(d.body.alert.state, 'open');
});
