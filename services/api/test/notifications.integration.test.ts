/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted with t.match */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CommonConfig, NotifierConfig, loadConfig } from '@tracehound/config';
import { silentLogger } from '@tracehound/logging';
import { buildNotifier } from '@tracehound/notifier';
import { sampleAlert } from '@tracehound/schemas';
import { buildSink } from '@tracehound/sink-clickhouse';
import { Receiver, eventually, recordProducer, testKafka } from '@tracehound/testkit';

import { DB, RETENTION, testApi } from './helpers.js';

const SECRET = 'route-secret-0123456789abcdef';

t.test('notification routes through the API, live in a running notifier; status and delivery log back through the API (integration)', async (t) => {
  const tk = await testKafka('api-notify', ['eventsEnriched', 'alerts', 'rules', 'notifyRoutes', 'notifyDeliveries', 'deadLetter']);
  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix } });
  const sink = buildSink({ kafka: tk.kafka, clickhouse: a.ch, ddl: { database: DB, retention: RETENTION }, registryUrl: tk.registryUrl, topicPrefix: tk.prefix, groupId: `${tk.prefix}.sink`, logger: silentLogger(), maxWaitMs: 100 });
  await sink.start();
  t.teardown(() => sink.close());
  const cfg = { ...loadConfig(Type.Composite([CommonConfig, NotifierConfig]), {}), TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_TOPIC_PARTITIONS: 3 };
  const notifier = buildNotifier(cfg, { kafka: tk.kafka, logger: silentLogger() });
  await notifier.start();
  t.teardown(() => notifier.close());
  const rx = new Receiver();
  const base = await rx.start();
  t.teardown(() => rx.stop());
  const producer = await recordProducer(tk);
  t.teardown(() => producer.producer.disconnect());
  const viewer = await a.user('viewer', '*');
  const R = '/api/v1/notifications/routes';

  const route = { id: 'soc', name: 'SOC', output: { kind: 'webhook', settings: { url: `${base}/soc`, secret: SECRET } }, filter: { min_severity: 'medium' }, template: { title: '{severity} {rule.id}' } };
  t.equal((await a.send('POST', R, viewer, route)).status, 403, 'a viewer may not write routes');
  let r = await a.send('POST', R, a.admin, { ...route, template: { title: '{rule.nme}' } });
  t.equal(r.status, 400);
  t.match(r.body, { error: 'TH_ERR_INVALID_INPUT', field: 'template.title', issues: [{ pointer: '/template/title', message: /alert\.rule has no field "nme"/ }] });
  r = await a.send('POST', R, a.admin, { ...route, output: { kind: 'pager', settings: {} } });
  t.match(r.body, { field: 'output.kind', message: /unknown output kind "pager" \(known: slack, webhook, smtp, teams, mattermost\)/ });
  r = await a.send('POST', R, a.admin, { ...route, output: { kind: 'webhook', settings: { url: 'ftp://x' } } });
  t.match(r.body, { field: 'output.settings.url' });
  r = await a.send('POST', R, a.admin, { ...route, colour: 'red' });
  t.equal(r.status, 400, 'unknown fields are refused');

  r = await a.send('POST', R, a.admin, route);
  t.equal(r.status, 201);
  t.match(r.body, { id: 'soc', version: 1, output: { settings: { secret: '********' } } });
  t.equal((await a.send('POST', R, a.admin, route)).status, 409, 'an existing id');
  t.match((await a.get(R, viewer)).body.items, [{ id: 'soc', output: { settings: { secret: '********', url: `${base}/soc` } } }], 'readers never see the secret');
  // A client sends back what it read: the masked secret keeps the stored one.
  r = await a.send('PUT', `${R}/soc`, a.admin, { ...(await a.get(`${R}/soc`, a.admin)).body, name: 'SOC team' });
  t.match(r.body, { version: 2, name: 'SOC team' });
  await eventually(() => (notifier.routes.routes.get('soc')?.name === 'SOC team' ? true : undefined), 20_000, 'the running notifier took the change');

  const alert = sampleAlert({ id: 'api-notify-1', severity: 'high' });
  await producer.sendAlerts([alert]);
  const got = await eventually(() => rx.on('/soc')[0], 30_000, 'webhook delivery');
  t.equal(got.headers['x-tracehound-signature'], `sha256=${createHmac('sha256', SECRET).update(got.body).digest('hex')}`, 'signed with the secret kept across the update');
  t.equal(JSON.parse(got.body).title, `high ${alert.rule.id}`);

  const log = await eventually(async () => {
    const d = await a.get('/api/v1/notifications/deliveries?route=soc', viewer);
    return d.body.items?.length ? d.body.items : undefined;
  }, 30_000, 'the delivery in the API');
  t.match(log[0], { route_id: 'soc', route_kind: 'webhook', outcome: 'delivered', alert_ids: ['api-notify-1'], status_code: 200, attempt: 1 });
  t.equal((await a.get('/api/v1/notifications/deliveries?alert=api-notify-1', viewer)).body.items.length, 1, 'found by alert id');
  t.equal((await a.get('/api/v1/notifications/deliveries?outcome=lost', viewer)).status, 400, 'an unknown outcome is refused');

  // A receiver that keeps failing: the status the UI badges turns to failing.
  await a.send('POST', R, a.admin, { id: 'broken', name: 'Broken', output: { kind: 'slack', settings: { url: `${base}/broken` } }, retry: { initial_delay_ms: 50, max_delay_ms: 100, deadline_ms: 600_000 } });
  rx.always('/broken', { status: 500 });
  await producer.sendAlerts([sampleAlert({ id: 'api-notify-2', severity: 'critical' })]);
  const status = await eventually(async () => {
    const s = await a.get('/api/v1/notifications/status', viewer);
    const b = s.body.items?.find((x: { route_id: string }) => x.route_id === 'broken');
    const soc = s.body.items?.find((x: { route_id: string }) => x.route_id === 'soc');
    // The two routes deliver independently: wait for both reports, not just the first to land.
    return b?.state === 'failing' && soc?.delivered_24h === 2 ? s.body.items : undefined;
  }, 30_000, 'the broken route reported failing and the second delivery to soc recorded');
  t.match(status.find((x: any) => x.route_id === 'broken'), { state: 'failing', last_outcome: 'retrying', last_status_code: 500, last_error: /HTTP 500/, backlog: 1 });
  t.match(status.find((x: any) => x.route_id === 'soc'), { state: 'ok', delivered_24h: 2 });

  const history = (await a.get(`${R}/soc/history`, viewer)).body.items;
  t.match(history, [{ version: 1, action: 'create', actor: 'admin', route: { output: { settings: { secret: '********' } } } }, { version: 2, action: 'update' }]);
  t.equal((await a.send('DELETE', `${R}/broken`, a.admin)).status, 200);
  t.equal((await a.get(`${R}/broken`, viewer)).status, 404);
  await eventually(() => (notifier.routes.routes.has('broken') ? undefined : true), 20_000, 'the notifier dropped the deleted route');
  t.match((await a.get('/api/v1/notifications/outputs', viewer)).body.items.map((o: { kind: string }) => o.kind), ['slack', 'webhook', 'smtp', 'teams', 'mattermost']);
});
