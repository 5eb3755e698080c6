import t, { type Test } from 'tap';
import { join } from 'node:path';
import { BatchingProducer, createKafka, topicName } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { eventually, testKafka } from '@tracehound/testkit';
import { Publisher } from '../src/publisher.js';
import { DiskSpool } from '../src/spool.js';

const records = (topic: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, key: Buffer.from('node-a/host'), value: Buffer.from(`event-${String(from + i).padStart(5, '0')}`) }));

/** Reads the topic from the start and expects exactly the first n records, once each and in order. */
async function expectInKafka(t: Test, kafka: ReturnType<typeof createKafka>, prefix: string, topic: string, n: number, waitMs: number) {
  const got: string[] = [];
  const c = kafka.consumer({ groupId: `${prefix}.check` });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
  t.teardown(() => c.disconnect());
  await eventually(() => (got.length >= n ? true : undefined), waitMs, `${n} events in Kafka`);
  t.same(got, records(topic, 0, n).map((r) => r.value.toString()), 'every event exactly once, in order');
}

t.test('Kafka away: events go to the disk spool; back: replayed in order, none lost', async (t) => {
  const { kafka, prefix } = await testKafka('agent-spool', ['eventsRaw'], 1);
  const topic = topicName(prefix, 'eventsRaw');
  const dir = join(t.testdir(), 'spool');
  const log = silentLogger();

  // Phase 1: nothing listens at the broker address, so every send fails and is spooled.
  const dead = new BatchingProducer(createKafka({ brokers: '127.0.0.1:1', clientId: 'dead', logger: log, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 }, connectionTimeoutMs: 200 }));
  const spool1 = new DiskSpool({ dir, maxBytes: 10 << 20, segmentBytes: 64 << 10 });
  const released1 = new Map<Buffer, number>();
  const count = (into: Map<Buffer, number>) => (values: Buffer[]) => values.forEach((v) => into.set(v, (into.get(v) ?? 0) + 1));
  const p1 = new Publisher(dead, spool1, log, { maxInMemory: 10_000, replayBatch: 500, retryMs: 60_000, release: count(released1) });
  const first = records(topic, 0, 300);
  p1.publish(first);
  await eventually(() => (spool1.records === 300 ? true : undefined), 10_000, 'all 300 spooled');
  t.ok(first.every((r) => released1.get(r.value) === 1), 'a failed send releases each record once, once it is in the spool');
  const second = records(topic, 300, 200);
  p1.publish(second); // while the spool holds records, new ones queue behind them
  t.equal(spool1.records, 500);
  t.ok(second.every((r) => released1.get(r.value) === 1), 'records spooled directly are released at once');
  t.equal(released1.size, 500);
  await p1.close();
  spool1.close();

  // Phase 2: a restarted agent with Kafka reachable drains the spool from disk.
  const live = new BatchingProducer(kafka);
  await live.connect();
  t.teardown(() => live.disconnect());
  const spool2 = new DiskSpool({ dir, maxBytes: 10 << 20, segmentBytes: 64 << 10 });
  t.equal(spool2.records, 500, 'the spool survived the restart');
  const released2 = new Map<Buffer, number>();
  const p2 = new Publisher(live, spool2, log, { maxInMemory: 10_000, replayBatch: 128, retryMs: 100, release: count(released2) });
  await eventually(() => (spool2.empty ? true : undefined), 20_000, 'spool drained');
  t.equal(released2.size, 0, 'replayed records are the spool\'s own: nothing to release');
  const third = records(topic, 500, 10);
  p2.publish(third);

  await expectInKafka(t, kafka, prefix, topic, 510, 20_000);
  t.ok(third.every((r) => released2.get(r.value) === 1) && released2.size === 10, 'acknowledged records are released once each');
  await p2.close();
});

t.test('Kafka behind (in-memory bound passed): the spooled events are replayed as soon as it acknowledges, not after the retry pause', async (t) => {
  const { kafka, prefix } = await testKafka('agent-behind', ['eventsRaw'], 1);
  const topic = topicName(prefix, 'eventsRaw');
  const producer = new BatchingProducer(kafka, { lingerMs: 5, maxBatchMessages: 200 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const spool = new DiskSpool({ dir: join(t.testdir(), 'spool'), maxBytes: 10 << 20, segmentBytes: 64 << 10 });
  t.teardown(() => spool.close());
  // A retry pause longer than the test's wait: only an immediate replay can deliver in time.
  const p = new Publisher(producer, spool, silentLogger(), { maxInMemory: 300, replayBatch: 250, retryMs: 120_000 });
  for (let i = 0; i < 20; i++) p.publish(records(topic, i * 100, 100));
  t.ok(p.spooled >= 1_000, `past the bound, events went to the spool (${p.spooled})`);

  await expectInKafka(t, kafka, prefix, topic, 2_000, 30_000);
  t.ok(spool.empty, 'the spool drained');
  t.equal(p.published, 2_000, 'every event counted as published');
  await p.close();
});
