import t from 'tap';
import { createHmac } from 'node:crypto';
import { loadConfig, CommonConfig, NotifierConfig } from '@tracehound/config';
import { BatchingProducer, topicName, valueSubject } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { Type } from '@sinclair/typebox';
import { RecordCodec, sampleAlert, type Alert, type Delivery } from '@tracehound/schemas';
import { buildNotifier, type NotifierApp } from '../src/index.js';
import { startSmtp } from './fixtures/smtp.js';
import { Receiver, eventually, testKafka, testPki } from '@tracehound/testkit';

const SECRET = 'integration-secret-0123456789';

t.test('notifier pipeline: alerts topic → routes → real receivers, delivery log, restart', async (t) => {
  const tk = await testKafka('notifier', ['alerts', 'notifyRoutes', 'notifyDeliveries', 'deadLetter']);
  const cfg = { ...loadConfig(Type.Composite([CommonConfig, NotifierConfig]), {}), TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_LOG_LEVEL: 'silent' as const, TRACEHOUND_TOPIC_PARTITIONS: 3 };
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 0 });
  await producer.connect();
  const alertCodec = new RecordCodec(tk.registry, 'tracehound.Alert');
  await alertCodec.register(valueSubject(topicName(tk.prefix, 'alerts')));
  const rx = new Receiver();
  const base = await rx.start();
  const apps: NotifierApp[] = [];
  t.teardown(async () => {
    for (const a of apps) await a.close();
    await producer.disconnect();
    await rx.stop();
  });

  const start = async () => {
    const app = buildNotifier(cfg, { kafka: tk.kafka, logger: silentLogger() });
    apps.push(app);
    await app.start();
    return app;
  };
  const putRoute = (doc: Record<string, unknown> | string, key = (doc as { id: string }).id) =>
    producer.send(topicName(tk.prefix, 'notifyRoutes'), [{ key, value: typeof doc === 'string' ? doc : JSON.stringify(doc) }]);
  let n = 0;
  const alert = (over: Partial<Alert> = {}): Alert => {
    const a = sampleAlert();
    return { ...a, id: `alert-${++n}-${Date.now()}`, message: `message ${n}`, ...over };
  };
  const sendAlerts = (alerts: Alert[]) => producer.send(topicName(tk.prefix, 'alerts'), alerts.map((a) => ({ key: 'pod', value: alertCodec.encode(a) })));
  const deliveries: Delivery[] = [];
  const deliveryCodec = new RecordCodec(tk.registry, 'tracehound.Delivery');
  const logReader = tk.kafka.consumer({ groupId: `${tk.prefix}-log-reader` });
  await logReader.connect();
  await logReader.subscribe({ topics: [topicName(tk.prefix, 'notifyDeliveries')], fromBeginning: true });
  await logReader.run({ eachMessage: async ({ message }) => void deliveries.push(await deliveryCodec.decode(message.value!)) });
  t.teardown(() => logReader.disconnect());
  const fast = { initial_delay_ms: 100, max_delay_ms: 300, deadline_ms: 60_000, failing_after: 2 };

  const sample = sampleAlert();
  await putRoute({ id: 'hook', name: 'SOC webhook', output: { kind: 'webhook', settings: { url: `${base}/hook`, secret: SECRET } }, filter: { min_severity: 'high' }, template: { title: '{severity}: {rule.name} in {event.k8s.namespace}', body: '{count} alert(s)\n{messages}' }, retry: fast });
  await putRoute({ id: 'slack-grouped', name: 'Slack', output: { kind: 'slack', settings: { url: `${base}/slack` } }, filter: { rules: ['grouped-rule'] }, group: { window_ms: 1_500 } });
  await putRoute({ id: 'flaky', name: 'Flaky', output: { kind: 'webhook', settings: { url: `${base}/flaky` } }, filter: { rules: ['flaky-rule'] }, retry: fast });
  await putRoute({ id: 'bad-template', name: 'Bad', output: { kind: 'slack', settings: { url: `${base}/never` } }, template: { title: '{rule.nme}' } });
  await putRoute({ id: 'hanging', name: 'Hanging', output: { kind: 'webhook', settings: { url: `${base}/hang` } }, filter: { rules: ['hang-rule'] }, timeout_ms: 200, retry: { ...fast, deadline_ms: 800 }, max_backlog: 2 });
  await putRoute({ id: 'redirect', name: 'Redirect', output: { kind: 'webhook', settings: { url: `${base}/redirect` } }, filter: { rules: ['hang-rule'] } });
  const pki = testPki();
  const smtp = await startSmtp({ user: 'alerts', password: 'right-password', tls: pki.server });
  t.teardown(() => smtp.close());
  const mail = (id: string, password: string) => ({ id, name: id, output: { kind: 'smtp', settings: { host: '127.0.0.1', port: smtp.port, user: 'alerts', password, from: 'th@example.com', to: ['soc@example.com'], ca: pki.ca } }, filter: { rules: ['mail-rule'] }, retry: fast });
  await putRoute(mail('mail-ok', 'right-password'));
  await putRoute(mail('mail-bad', 'wrong-password'));
  rx.always('/hang', { hang: true });
  rx.always('/redirect', { redirect: 'https://example.invalid/' });

  let app = await start();
  t.equal(app.routes.routes.size, 7, 'seven valid routes in force');
  const refused = app.routeErrors();
  t.equal(refused.length, 1);
  t.match(refused[0], { key: 'bad-template', reason: /\/template\/title: \{rule\.nme\}: alert\.rule has no field "nme"/ });

  await t.test('filter, template, signature', async (t) => {
    const high = alert({ severity: 'high' });
    await sendAlerts([alert({ severity: 'low' }), high]);
    const got = await eventually(() => rx.on('/hook')[0], 20_000, 'webhook delivery');
    const body = JSON.parse(got.body);
    t.equal(body.title, `high: ${sample.rule.name} in ${sample.event.k8s!.namespace}`);
    t.equal(body.text, `1 alert(s)\n${high.message}`);
    t.same(body.alerts.map((a: { id: string }) => a.id), [high.id], 'the low-severity alert was filtered out');
    t.equal(got.headers['x-tracehound-signature'], `sha256=${createHmac('sha256', SECRET).update(got.body).digest('hex')}`);
    await eventually(() => deliveries.find((d) => d.route_id === 'hook' && d.outcome === 'delivered'), 10_000, 'delivery record');
  });

  await t.test('grouping: alerts of one rule in the window make one message', async (t) => {
    const rule = { id: 'grouped-rule', name: 'Grouped rule', version: 1 };
    await sendAlerts([alert({ rule }), alert({ rule }), alert({ rule })]);
    const got = await eventually(() => rx.on('/slack')[0], 20_000, 'grouped slack message');
    await new Promise((r) => setTimeout(r, 800));
    t.equal(rx.on('/slack').length, 1, 'one message for three alerts');
    t.equal(JSON.parse(got.body).text.split('\n').filter((l: string) => l.startsWith('message ')).length, 3);
    const d = await eventually(() => deliveries.find((x) => x.route_id === 'slack-grouped' && x.outcome === 'delivered'));
    t.equal(d.alert_ids.length, 3);
  });

  await t.test('a receiver that fails and comes back gets the alert; the attempts are recorded', async (t) => {
    rx.next('/flaky', { status: 500 }, { status: 503 }, { status: 502 });
    const a = alert({ rule: { id: 'flaky-rule', name: 'Flaky rule', version: 1 } });
    await sendAlerts([a]);
    await eventually(() => deliveries.find((d) => d.route_id === 'flaky' && d.outcome === 'delivered'), 20_000, 'delivery after recovery');
    t.equal(rx.on('/flaky').length, 4, 'three failed attempts, then the delivery');
    const attempts = deliveries.filter((d) => d.route_id === 'flaky' && d.outcome === 'retrying');
    t.same(attempts.map((d) => d.status_code), [500, 503, 502]);
    t.equal(new Set(rx.on('/flaky').map((r) => r.headers['x-tracehound-delivery'])).size, 1, 'every attempt carries the same delivery id');
    const s = app.status().find((x) => x.id === 'flaky')!;
    t.match(s, { state: 'ok', consecutive_failures: 0, delivered: 1 });
  });

  await t.test('e-mail over STARTTLS with AUTH; bad credentials fail once, clearly, and are counted', async (t) => {
    const a = alert({ rule: { id: 'mail-rule', name: 'Mail rule', version: 1 } });
    await sendAlerts([a]);
    await eventually(() => smtp.mails.find((m) => m.raw.includes(a.message)), 20_000, 'the mail');
    t.match(smtp.mails[0], { secure: true, user: 'alerts', to: ['soc@example.com'] });
    const bad = await eventually(() => deliveries.find((d) => d.route_id === 'mail-bad' && d.outcome !== 'retrying'), 20_000, 'the refused mail');
    t.match(bad, { outcome: 'failed', status_code: 535, attempt: 1, error: /SMTP 127\.0\.0\.1:\d+: EAUTH/ });
    t.equal(smtp.authFailures, 1, 'not retried');
    t.match(app.status().find((x) => x.id === 'mail-bad'), { failed: 1, delivered: 0 });
  });

  await t.test('hanging and redirecting receivers: counted results, bounded backlog, the rest flows', async (t) => {
    const rule = { id: 'hang-rule', name: 'Hang rule', version: 1 };
    const batch = [alert({ rule }), alert({ rule }), alert({ rule }), alert({ rule })];
    await sendAlerts(batch);
    const redirect = await eventually(() => deliveries.filter((d) => d.route_id === 'redirect' && d.outcome === 'failed').length === 4 || undefined, 20_000, 'redirect failures');
    t.ok(redirect);
    t.match(deliveries.find((d) => d.route_id === 'redirect')!.error, /redirected \(302\)/);
    await eventually(() => deliveries.filter((d) => d.route_id === 'hanging' && ['failed', 'dropped'].includes(d.outcome)).length === 4 || undefined, 20_000, 'hanging route results');
    const outcomes = deliveries.filter((d) => d.route_id === 'hanging' && d.outcome !== 'retrying').map((d) => d.outcome).sort();
    t.same(outcomes, ['dropped', 'dropped', 'failed', 'failed'], 'two beyond the backlog of 2 dropped, two given up after the deadline');
    t.match(deliveries.find((d) => d.route_id === 'hanging' && d.outcome === 'failed')!.error, /no answer within 200 ms.*gave up after/);
    const s = app.status().find((x) => x.id === 'hanging')!;
    t.equal(s.state, 'failing');
    t.equal(s.dropped, 2);
    t.equal(s.failed, 2);
    const other = alert({ severity: 'critical' });
    await sendAlerts([other]);
    await eventually(() => rx.on('/hook').find((r) => r.body.includes(other.id)), 20_000, 'other routes still deliver');
  });

  await t.test('no duplicate delivery after a restart, even when the offsets were not committed', async (t) => {
    const before = rx.on('/hook').length;
    await app.close();
    // Undo the commits: the restarted notifier reads every alert again, and only the delivery log keeps it from resending.
    const admin = tk.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: cfg.TRACEHOUND_NOTIFIER_GROUP_ID, topic: topicName(tk.prefix, 'alerts'), earliest: true });
    await admin.disconnect();
    app = await start();
    const fresh = alert({ severity: 'critical' });
    await sendAlerts([fresh]);
    await eventually(() => rx.on('/hook').find((r) => r.body.includes(fresh.id)), 20_000, 'the new alert');
    await new Promise((r) => setTimeout(r, 1_000));
    t.equal(rx.on('/hook').length, before + 1, 'only the new alert was sent');
    const ids = rx.on('/hook').flatMap((r) => JSON.parse(r.body).alerts.map((a: { id: string }) => a.id));
    t.equal(new Set(ids).size, ids.length, 'no alert id reached the webhook twice');
    t.equal(rx.on('/slack').length, 1, 'the grouped message was not sent again');
  });
});
