/**
 * Notification latency and throughput: alerts produced to the alerts topic (ts = send time on the
 * monotonic clock), through a running notifier (webhook route, HMAC-signed), to a webhook
 * receiver on loopback that takes the time on arrival. Baseline in the same run: the same JSON
 * body POSTed straight to the receiver (the HTTP hop alone). Then a burst, timed until the last
 * alert arrives. Run (stack up): npx tsx bench/notifier-latency.ts [alerts/s] [seconds] [burst]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import { CommonConfig, NotifierConfig, loadConfig } from '@tracehound/config';
import { BatchingProducer, createKafka, provisionTopics, topicName, valueSubject } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry, sampleAlert, toPlain } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { buildNotifier } from '../services/notifier/src/app.js';
import { fmt, machine, percentile } from './stats.js';

const RATE = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 10);
const BURST = Number(process.argv[4] ?? 2_000);
const cfg = stackConfig();
const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-notifier', logger: silentLogger() });

// The receiver: arrival time minus the alert's send time, per alert id prefix.
const arrivals = new Map<string, number[]>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d));
  req.on('end', () => {
    const now = process.hrtime.bigint();
    const msg = JSON.parse(body) as { alerts: Array<{ id: string; ts: string }> };
    for (const a of msg.alerts) {
      const phase = a.id.split('-')[0]!;
      const list = arrivals.get(phase) ?? [];
      list.push(Number(now - BigInt(a.ts)) / 1e6);
      arrivals.set(phase, list);
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

const prefix = uniquePrefix('bench-notifier');
const admin = kafka.admin();
await admin.connect();
await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['alerts', 'notifyRoutes', 'notifyDeliveries', 'deadLetter'] });
await admin.disconnect();
const producer = new BatchingProducer(kafka, { lingerMs: 1 });
await producer.connect();
const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Alert');
await codec.register(valueSubject(topicName(prefix, 'alerts')));
await producer.send(topicName(prefix, 'notifyRoutes'), [{ key: 'bench', value: JSON.stringify({ id: 'bench', name: 'Bench', output: { kind: 'webhook', settings: { url, secret: 'bench-secret-0123456789' } } }) }]);
const notifier = buildNotifier({ ...loadConfig(Type.Composite([CommonConfig, NotifierConfig]), {}), TRACEHOUND_TOPIC_PREFIX: prefix, TRACEHOUND_NOTIFIER_GROUP_ID: `${prefix}.notifier`, TRACEHOUND_LOG_LEVEL: 'silent' }, { kafka, logger: silentLogger() });
await notifier.start();
await new Promise((r) => setTimeout(r, 3_000)); // group joined

const template = sampleAlert();
const alert = (id: string) => ({ ...template, id, ts: process.hrtime.bigint() });

async function steady(phase: string, n: number, send: (ids: string[]) => Promise<void>): Promise<number[]> {
  const tick = 20;
  const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
  const start = Date.now();
  for (let sent = 0; sent < n;) {
    const ids = Array.from({ length: Math.min(perTick, n - sent) }, (_, j) => `${phase}-${sent + j}`);
    void send(ids);
    sent += ids.length;
    await new Promise((r) => setTimeout(r, Math.max(0, start + (sent / RATE) * 1000 - Date.now())));
  }
  const deadline = Date.now() + 60_000;
  while ((arrivals.get(phase)?.length ?? 0) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return (arrivals.get(phase) ?? []).sort((a, b) => a - b);
}

const viaKafka = (ids: string[]) => producer.send(topicName(prefix, 'alerts'), ids.map((id) => ({ key: 'pod', value: codec.encode(alert(id)) })));
const direct = async (ids: string[]) => {
  for (const id of ids) {
    const a = alert(id);
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, title: 't', text: a.message, count: 1, alerts: [toPlain(a)] }) });
  }
};

await steady('warmdirect', RATE * 2, direct);
const base = await steady('direct', RATE * SECONDS, direct);
await steady('warm', RATE * 2, viaKafka);
const lat = await steady('steady', RATE * SECONDS, viaKafka);

const t0 = Date.now();
await viaKafka(Array.from({ length: BURST }, (_, i) => `burst-${i}`));
const deadline = Date.now() + 120_000;
while ((arrivals.get('burst')?.length ?? 0) < BURST && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const burstMs = Date.now() - t0;

await notifier.close();
await producer.disconnect();
server.close();

const row = (name: string, l: number[]) => `| ${name} | ${fmt(l.length)} | ${fmt(percentile(l, 50), 1)} | ${fmt(percentile(l, 99), 1)} |`;
console.log(`notifier latency — ${fmt(RATE)} alerts/s for ${SECONDS} s, 6 partitions, one webhook route — ${machine()}`);
console.log('| path | alerts | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: | ---: |');
console.log(row('HTTP POST straight to the receiver (baseline)', base));
console.log(row('alert produced → Kafka → notifier → webhook received', lat));
console.log(`added by Kafka and the notifier: p50 ${fmt(percentile(lat, 50) - percentile(base, 50), 1)} ms, p99 ${fmt(percentile(lat, 99) - percentile(base, 99), 1)} ms`);
console.log(`burst: ${fmt(BURST)} alerts delivered one message each in ${fmt(burstMs)} ms = ${fmt((arrivals.get('burst')?.length ?? 0) / (burstMs / 1000))} deliveries/s (one route delivers in order, one request at a time)`);
process.exit(0);
