/**
 * Kubernetes audit ingestion rate: EventList batches (400 events, as the API server's webhook
 * batches them; a mix of pod creations with their bodies, secret reads and execs) POSTed over
 * loopback HTTP to the API's audit webhook, which answers once Kafka holds them. Baseline in the
 * same run: the same Events encoded and produced straight to Kafka (no HTTP, no JSON parsing).
 * Run (stack up): npx tsx bench/audit-ingest.ts [seconds] [batch size]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse } from '@tracehound/clickhouse';
import { BatchingProducer, createKafka, provisionTopics, topicName, valueSubject } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { buildApi } from '../services/api/src/app.js';
import { auditEvent, type AuditItem } from '../services/api/src/k8s-audit/convert.js';
import { fmt, machine } from './stats.js';

const SECONDS = Number(process.argv[2] ?? 10);
const BATCH = Number(process.argv[3] ?? 400);
const TOKEN = 'bench-token-0123456789abcdef0123456789';
const cfg = stackConfig();
const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-audit', logger: silentLogger() });
const prefix = uniquePrefix('bench-audit');
const admin = kafka.admin();
await admin.connect();
await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['eventsRaw', 'rules', 'alerts', 'notifyRoutes', 'deadLetter'] });
await admin.disconnect();

let seq = 0;
const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m', memory: '256Mi' } }, securityContext: { runAsNonRoot: true } }], serviceAccountName: 'web' } };
function item(i: number): AuditItem {
  const id = `${(seq++).toString(16).padStart(8, '0')}-1c2b-4f6e-9a8d-0e1f2a3b4c5d`;
  const base = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: id, stage: 'ResponseComplete', user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'] }, sourceIPs: ['10.0.3.7'], userAgent: 'kubectl/v1.34.2 (linux/amd64)', requestReceivedTimestamp: new Date().toISOString(), stageTimestamp: new Date().toISOString(), annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding' } };
  switch (i % 3) {
    case 0: return { ...base, level: 'Request', verb: 'create', requestURI: '/api/v1/namespaces/shop/pods', objectRef: { resource: 'pods', namespace: 'shop', name: 'web', apiVersion: 'v1' }, responseStatus: { code: 201 }, requestObject: pod };
    case 1: return { ...base, level: 'Metadata', verb: 'get', requestURI: '/api/v1/namespaces/shop/secrets/db', objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' }, responseStatus: { code: 200 } };
    default: return { ...base, level: 'Metadata', verb: 'create', requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=sh', objectRef: { resource: 'pods', namespace: 'shop', name: 'web', subresource: 'exec', apiVersion: 'v1' }, responseStatus: { code: 101 } };
  }
}
const batch = () => Array.from({ length: BATCH }, (_, i) => item(i));

const dataDir = mkdtempSync(join(tmpdir(), 'th-bench-audit-'));
const ch = createClickHouse({ dataDir, database: 'bench' });
const api = await buildApi({
  clickhouse: ch, ddl: { database: 'bench', retention: { eventsDays: 1, alertsDays: 1, auditDays: 1 } }, logger: silentLogger(),
  kafka: { kafka, registryUrl: cfg.TRACEHOUND_REGISTRY_URL, topicPrefix: prefix }, k8sAudit: { tokens: [TOKEN], clientNames: [], node: 'bench', bodyLimit: 64 * 1024 * 1024 },
});
await api.app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}/api/v1/k8s-audit`;
const bodyBytes = Buffer.byteLength(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: batch() }));

async function viaWebhook(concurrency: number, seconds: number): Promise<number> {
  let events = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: batch() }) });
      const b = (await r.json()) as { accepted: number };
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
      events += b.accepted;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return events / ((Date.now() - t0) / 1000);
}

async function direct(seconds: number): Promise<number> {
  const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event');
  const topic = topicName(prefix, 'eventsRaw');
  await codec.register(valueSubject(topic));
  const producer = new BatchingProducer(kafka, { lingerMs: 2 });
  await producer.connect();
  let events = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = Date.now();
  while (Date.now() < end) {
    const list = batch().map((i) => auditEvent(i, 'bench'));
    await producer.send(topic, list.map((e) => ({ key: 'bench/k8s-audit', value: codec.encode(e) })));
    events += list.length;
  }
  const r = events / ((Date.now() - t0) / 1000);
  await producer.disconnect();
  return r;
}

await viaWebhook(1, 2); // warm-up
const one = await viaWebhook(1, SECONDS);
const four = await viaWebhook(4, SECONDS);
const base = await direct(SECONDS);
await api.close();
await ch.close();
rmSync(dataDir, { recursive: true, force: true });

console.log(`audit ingestion — batches of ${fmt(BATCH)} events (${fmt(bodyBytes / 1024)} KiB JSON), ${SECONDS} s each, 6 partitions — ${machine()}`);
console.log('| path | events/s |');
console.log('| --- | ---: |');
console.log(`| Events encoded and produced straight to Kafka (baseline, no HTTP) | ${fmt(base)} |`);
console.log(`| webhook POST → API → Kafka acked, 1 batch in flight | ${fmt(one)} |`);
console.log(`| webhook POST → API → Kafka acked, 4 batches in flight | ${fmt(four)} |`);
console.log(`webhook / baseline: ${fmt(four / base, 2)}x`);
process.exit(0);
