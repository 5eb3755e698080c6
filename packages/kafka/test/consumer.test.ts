import t from 'tap';
import { silentLogger } from '@tracehound/logging';
import { eventually, testKafka } from '@tracehound/testkit';
import { BatchConsumer, BatchingProducer, topicName, type ConsumedRecord } from '../src/index.js';

/** `n` records on partition 0 of a fresh topic, sent at once (so that one fetch brings many). */
async function topicWith(name: string, n: number) {
  const tk = await testKafka(name, ['eventsRaw', 'deadLetter'], 1);
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 1 });
  await producer.connect();
  const topic = topicName(tk.prefix, 'eventsRaw');
  await producer.send(topic, Array.from({ length: n }, (_, i) => ({ key: 'k', value: `v${i}` })));
  return { tk, producer, topic };
}

/** Kafka's batches as kafkajs hands them over, cut into slices of `step`: the slices the handler should see. */
const sliced = (batchSizes: number[], step: number) => batchSizes.flatMap((size) => Array.from({ length: Math.ceil(size / step) }, (_, i) => Math.min(step, size - i * step)));

t.test('recordsPerHandle: a batch is decoded and handled in slices, in offset order, each committed in turn once handled (real broker)', async (t) => {
  const { tk, producer, topic } = await topicWith('consumer-slices', 1000);
  const groupId = `${tk.prefix}.g`;
  const admin = tk.kafka.admin();
  await admin.connect();
  const committed = async () => Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset);
  const slices: Array<{ first: number; n: number }> = [];
  const commits: number[] = [];
  const batchSizes: number[] = [];
  let decoded = 0;
  const consumer = new BatchConsumer<string>(tk.kafka, {
    groupId,
    topics: [topic],
    decode: (msg) => {
      decoded++;
      return msg.value!.toString();
    },
    handle: async (records: ConsumedRecord<string>[]) => {
      // Decoding is per slice: only this slice's records (and those before) have been decoded.
      t.equal(decoded, Number(records[records.length - 1]!.offset) + 1, 'nothing past this slice decoded yet');
      slices.push({ first: Number(records[0]!.offset), n: records.length });
      t.same(records.map((r) => r.value), records.map((r) => `v${r.offset}`), 'values in offset order');
    },
    deadLetter: { producer, topic: topicName(tk.prefix, 'deadLetter') },
    logger: silentLogger(),
    recordsPerHandle: 300,
  });
  consumer.raw.on(consumer.raw.events.START_BATCH_PROCESS, (e) => batchSizes.push(e.payload.batchSize));
  consumer.raw.on(consumer.raw.events.COMMIT_OFFSETS, (e) => commits.push(...e.payload.topics.flatMap((x) => x.partitions.map((p) => Number(p.offset)))));
  await consumer.start();
  await eventually(async () => ((await committed()) === 1000 ? true : undefined), 30_000, 'every offset committed');
  await consumer.stop();
  t.same(slices.map((s) => s.n), sliced(batchSizes, 300), 'each batch in slices of at most 300');
  t.ok(slices.some((s) => s.n === 300), 'a batch held more than one slice');
  let next = 0;
  for (const s of slices) {
    t.equal(s.first, next, `slice from ${s.first} follows the one before`);
    next = s.first + s.n;
  }
  t.equal(next, 1000, 'every record handled once');
  t.same(commits, slices.map((s) => s.first + s.n), 'a commit past each slice, in order');
  await admin.disconnect();
  await producer.disconnect();
});

t.test('a slice whose handler fails is delivered again from its own first offset: the slices before it stay committed (real broker)', async (t) => {
  const { tk, producer, topic } = await topicWith('consumer-slice-fail', 1000);
  const seen: number[] = [];
  let failed = false;
  const consumer = new BatchConsumer<string>(tk.kafka, {
    groupId: `${tk.prefix}.g`,
    topics: [topic],
    decode: (msg) => msg.value!.toString(),
    handle: async (records) => {
      const first = Number(records[0]!.offset);
      if (!failed && first >= 500) {
        failed = true;
        throw new Error('the test fails this slice once');
      }
      for (const r of records) seen.push(Number(r.offset));
    },
    deadLetter: { producer, topic: topicName(tk.prefix, 'deadLetter') },
    logger: silentLogger(),
    recordsPerHandle: 250,
  });
  await consumer.start();
  await eventually(() => (seen.length >= 1000 ? true : undefined), 60_000, 'every record handled');
  await consumer.stop();
  t.ok(failed, 'a slice failed');
  t.same(seen, Array.from({ length: 1000 }, (_, i) => i), 'each record handled exactly once, in order: nothing before the failed slice again');
  await producer.disconnect();
});
