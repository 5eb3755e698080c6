import t from 'tap';
import { createHmac } from 'node:crypto';
import { isRetriable } from '@tracehound/errors';
import { sampleAlert } from '@tracehound/schemas';
import { OUTPUT_KINDS, type Message } from '../src/outputs/index.js';
import { statusOf } from '../src/outputs/failure.js';
import { Receiver, testPki } from '@tracehound/testkit';
import { startSmtp } from './fixtures/smtp.js';

const message = (over: Partial<Message> = {}): Message => {
  const alert = sampleAlert();
  return { id: 'm-1', routeId: 'r', routeName: 'Route', title: `[high] ${alert.rule.name}`, body: alert.message, alerts: [alert], ...over };
};
const ctx = (timeoutMs = 2_000) => ({ signal: AbortSignal.timeout(timeoutMs), timeoutMs });
const sender = (kind: string, settings: unknown) => OUTPUT_KINDS.get(kind)!.create(settings);

t.test('HTTP outputs against a real receiver on loopback', async (t) => {
  const rx = new Receiver();
  const base = await rx.start();
  t.teardown(() => rx.stop());

  await t.test('slack and mattermost send Markdown text, teams a MessageCard', async (t) => {
    await sender('slack', { url: `${base}/slack` }).send(message(), ctx());
    t.match(JSON.parse(rx.on('/slack')[0]!.body), { text: /^\*\[high\] .+\*\n.+/ });
    await sender('mattermost', { url: `${base}/mm`, channel: 'sec' }).send(message(), ctx());
    t.match(JSON.parse(rx.on('/mm')[0]!.body), { text: /^#### \[high\]/, channel: 'sec' });
    await sender('teams', { url: `${base}/teams` }).send(message(), ctx());
    t.match(JSON.parse(rx.on('/teams')[0]!.body), { '@type': 'MessageCard', title: /^\[high\]/, themeColor: /^[0-9A-F]{6}$/ });
  });

  await t.test('webhook: JSON body with the alerts, HMAC-SHA256 signature over the exact bytes, delivery id', async (t) => {
    const secret = 'a-long-shared-secret-value';
    await sender('webhook', { url: `${base}/hook`, secret, headers: { 'X-Team': 'sec' } }).send(message(), ctx());
    const got = rx.on('/hook')[0]!;
    const expected = `sha256=${createHmac('sha256', secret).update(got.body).digest('hex')}`;
    t.equal(got.headers['x-tracehound-signature'], expected, 'signature verifies with the shared secret');
    t.not(got.headers['x-tracehound-signature'], `sha256=${createHmac('sha256', 'wrong-secret-wrong-secret').update(got.body).digest('hex')}`);
    t.equal(got.headers['x-tracehound-delivery'], 'm-1');
    t.equal(got.headers['x-team'], 'sec');
    const body = JSON.parse(got.body);
    t.equal(body.count, 1);
    t.equal(body.alerts[0].id, sampleAlert().id);
    t.type(body.alerts[0].ts, 'string', 'nanoseconds travel as strings');
  });

  await t.test('bad receivers: each a clear classified error', async (t) => {
    const hook = sender('webhook', { url: `${base}/bad` });
    rx.next('/bad', { status: 500 });
    let err = await hook.send(message(), ctx()).catch((e: unknown) => e);
    t.ok(isRetriable(err), '500 is retried');
    t.equal(statusOf(err), 500);
    rx.next('/bad', { status: 404 });
    err = await hook.send(message(), ctx()).catch((e: unknown) => e);
    t.notOk(isRetriable(err), '404 is not retried');
    rx.next('/bad', { status: 429 });
    t.ok(isRetriable(await hook.send(message(), ctx()).catch((e: unknown) => e)), '429 is retried');
    rx.next('/bad', { redirect: 'http://127.0.0.1:1/elsewhere' });
    err = await hook.send(message(), ctx()).catch((e: unknown) => e);
    t.notOk(isRetriable(err), 'a redirect is not followed nor retried');
    t.match((err as Error).message, /redirected \(302\) to http:\/\/127\.0\.0\.1:1\/elsewhere/);
    rx.next('/bad', { hang: true });
    const t0 = Date.now();
    err = await hook.send(message(), ctx(300)).catch((e: unknown) => e);
    t.ok(Date.now() - t0 < 2_000, 'a hanging receiver is cut at the timeout');
    t.match((err as Error).message, /no answer within 300 ms/);
    t.ok(isRetriable(err));
    err = await sender('webhook', { url: 'http://127.0.0.1:1/closed' }).send(message(), ctx()).catch((e: unknown) => e);
    t.ok(isRetriable(err), 'connection refused is retried');
  });
});

t.test('SMTP over STARTTLS with AUTH against a real smtp-server', async (t) => {
  const pki = testPki();
  const server = await startSmtp({ user: 'alerts', password: 's3cret-pass', tls: pki.server });
  t.teardown(() => server.close());
  const settings = { host: '127.0.0.1', port: server.port, security: 'starttls', user: 'alerts', password: 's3cret-pass', from: 'tracehound@example.com', to: ['soc@example.com', 'oncall@example.com'], ca: pki.ca };

  const res = await sender('smtp', settings).send(message({ id: 'mail-1' }), ctx(10_000));
  t.equal(res.statusCode, 250);
  t.equal(server.mails.length, 1);
  const mail = server.mails[0]!;
  t.ok(mail.secure, 'the session was upgraded to TLS before AUTH and DATA');
  t.equal(mail.user, 'alerts');
  t.same(mail.to, ['soc@example.com', 'oncall@example.com']);
  t.match(mail.raw, /Subject: \[high\] /);
  t.match(mail.raw, /X-Tracehound-Delivery: mail-1/);
  t.match(mail.raw, new RegExp(sampleAlert().rule.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  const bad = await sender('smtp', { ...settings, password: 'wrong' }).send(message(), ctx(10_000)).catch((e: unknown) => e);
  t.notOk(isRetriable(bad), 'bad credentials are not retried');
  t.equal(statusOf(bad), 535);
  t.equal(server.authFailures, 1);

  const untrusted = await sender('smtp', { ...settings, ca: undefined }).send(message(), ctx(10_000)).catch((e: unknown) => e);
  t.match((untrusted as Error).message, /certificate/i, 'an untrusted certificate is refused, not ignored');
  t.equal(server.mails.length, 1, 'no mail without a trusted, authenticated session');
});
