import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { CCOMPAT_PATH, layout, stackDown, stackStatus, stackUp, withStorage } from '../src/index.js';
import { alive, processesMentioning, stackSettings } from './fixtures/stack.js';

// Ports away from the defaults, so this runs beside a stack CI started on 9092/9093/8081.
const s = stackSettings(t, { TRACEHOUND_KAFKA_PORT: '29092', TRACEHOUND_KAFKA_CONTROLLER_PORT: '29093', TRACEHOUND_REGISTRY_PORT: '28081' });
const registry = `http://127.0.0.1:28081${CCOMPAT_PATH}`;
const json = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
const avro = (fields: object[]) => JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Probe', namespace: 'dev.tracehound', fields }) });
const V1 = avro([{ name: 'a', type: 'string' }]);
const V2 = avro([{ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 }]);
const BREAKING = avro([{ name: 'a', type: 'string' }, { name: 'c', type: 'int' }]);

let pids: number[] = [];

t.test('integration: up starts Kafka then the registry; a second up reuses them, fast', async (t) => {
  const first = await stackUp(s);
  t.same(first.components.map((c) => [c.name, c.action]), [['kafka', 'started'], ['registry', 'started']]);
  pids = first.components.map((c) => c.pid);
  const t0 = Date.now();
  const second = await stackUp(s);
  const ms = Date.now() - t0;
  t.same(second.components.map((c) => [c.name, c.action]), [['kafka', 'reused'], ['registry', 'reused']]);
  t.same(second.components.map((c) => c.pid), pids, 'same pids');
  t.ok(ms < 5000, `second up took ${ms} ms`);
  const status = await stackStatus(s);
  t.same(status.map((c) => [c.name, c.state, c.pid, c.answering]), [['kafka', 'running', pids[0], true], ['registry', 'running', pids[1], true]]);
});

t.test('integration: kafkajs creates a topic, produces, consumes in a group and commits', async (t) => {
  const kafka = new Kafka({ clientId: 'stack-test', brokers: ['127.0.0.1:29092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const topic = 'stack-test';
  t.ok(await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true }));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: ['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: v })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'stack-test-group' });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(String(message.value));
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        if (seen.length === 4) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  t.same(seen.sort(), ['a', 'b', 'c', 'd']);
  const [offsets] = await admin.fetchOffsets({ groupId: 'stack-test-group', topics: [topic] });
  t.equal(offsets?.partitions.reduce((n, p) => n + Number(p.offset), 0), 4, 'committed offsets cover every record');
  await t.rejects(producer.connect().then(() => producer.send({ topic: 'no-such-topic', messages: [{ value: 'x' }] })).finally(() => producer.disconnect()), 'topics are not auto-created');
});

t.test('integration: the registry stores an Avro schema and enforces BACKWARD', async (t) => {
  const post = (subject: string, body: string) => fetch(`${registry}/subjects/${subject}/versions`, { method: 'POST', headers: json, body });
  const r1 = await post('probe-value', V1);
  t.equal(r1.status, 200);
  const { id } = (await r1.json()) as { id: number };
  const latest = (await (await fetch(`${registry}/subjects/probe-value/versions/latest`)).json()) as { id: number; version: number; schema: string };
  t.equal(latest.id, id);
  t.equal(latest.version, 1);
  t.same(JSON.parse(latest.schema), JSON.parse((JSON.parse(V1) as { schema: string }).schema));
  const put = await fetch(`${registry}/config/probe-value`, { method: 'PUT', headers: json, body: JSON.stringify({ compatibility: 'BACKWARD' }) });
  t.same(await put.json(), { compatibilityLevel: 'BACKWARD' });
  t.equal((await post('probe-value', BREAKING)).status, 409, 'a breaking change is refused');
  t.equal((await post('probe-value', V2)).status, 200, 'a backward-compatible change is accepted');
  // No per-subject config: the stack's default global rule (TRACEHOUND_REGISTRY_COMPATIBILITY) applies.
  t.equal((await post('other-value', V1)).status, 200);
  t.equal((await post('other-value', BREAKING)).status, 409, 'the default rule is enforced without any per-subject config');
});

t.test('integration: up with other settings than the running stack asks for down first', async (t) => {
  await t.rejects(stackUp(withStorage(s, 'kafkasql')), { code: 'TH_ERR_STACK', message: /registry \(pid \d+\) runs with other settings.*stack down/ });
  t.ok(pids.every(alive), 'the running stack was left alone');
});

t.test('integration: down stops exactly the stack, leaves no process, removes pid files', async (t) => {
  const registryOnly = await stackDown(s, ['registry']);
  t.same(registryOnly.map((c) => [c.name, c.outcome]), [['registry', 'terminated']], 'down of named components stops only those');
  t.same((await stackStatus(s)).map((c) => c.state), ['running', 'stopped'], 'Kafka left running');
  const down = await stackDown(s);
  t.same(down.map((c) => c.name), ['registry', 'kafka'], 'registry first');
  t.same(down.map((c) => c.outcome), ['not running', 'terminated'], 'the rest stopped on SIGTERM');
  t.notOk(pids.some(alive), 'no stack pid is alive');
  t.same(processesMentioning(s.dataDir), [], 'no process runs from the data dir');
  t.notOk(existsSync(layout(s).pidFile('kafka')) || existsSync(layout(s).pidFile('registry')));
  t.same((await stackStatus(s)).map((c) => c.state), ['stopped', 'stopped']);
  t.same((await stackDown(s)).map((c) => c.outcome), ['not running', 'not running'], 'down again is a no-op');
});

t.test('a stale pid file is reported, and down removes it without signalling that pid', async (t) => {
  // Our own pid: alive, but not a process the stack started.
  writeFileSync(layout(s).pidFile('kafka'), `${process.pid}\n`);
  const status = await stackStatus(s);
  t.same(status[0], { ...status[0], state: 'stale pid file', pid: process.pid });
  const down = await stackDown(s);
  t.equal(down.find((c) => c.name === 'kafka')?.outcome, 'stale pid file removed');
  t.notOk(existsSync(layout(s).pidFile('kafka')));
});
