import t from 'tap';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { decompressFrame } from 'lz4-napi';
import { testKafka, zigzagVarint } from '@tracehound/testkit';
import { BatchingProducer, COMPRESSION, registerCompression, topicName } from '../src/index.js';

/**
 * kafkajs is patched at install (patches/kafkajs+*.patch, see the package README): records are
 * encoded into one buffer of their exact size, unfilled, and a batch is grouped per partition in
 * linear time. These tests hold the patched code to Kafka's record format, written out here
 * independently, and to the real broker.
 */
const require = createRequire(import.meta.url);
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: { offsetDelta?: number; timestampDelta?: number; key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, string | Buffer> }) => { buffer: Buffer; size(): number };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (o: object) => Record<string, Array<{ n: number }>>;

const bytes = (v: Buffer | string | null) => (v === null ? zigzagVarint(-1) : Buffer.concat([zigzagVarint(Buffer.byteLength(v)), Buffer.from(v)]));

/** A record (format v2) from the specification: length, attributes, deltas, key, value, headers. */
function referenceRecord(r: { offsetDelta: number; timestampDelta: number; key: Buffer | string | null; value: Buffer | string | null; headers: Record<string, string | Buffer> }): Buffer {
  const headers = Object.entries(r.headers);
  const body = Buffer.concat([
    Buffer.from([0]), zigzagVarint(r.timestampDelta), zigzagVarint(r.offsetDelta), bytes(r.key), bytes(r.value),
    zigzagVarint(headers.length), ...headers.flatMap(([k, v]) => [bytes(k), bytes(v)]),
  ]);
  return Buffer.concat([zigzagVarint(body.length), body]);
}

/** Value sizes on both sides of the encoder's power-of-two buffer sizes, and a few larger ones. */
const SIZES = [0, 1, 100, 495, 496, 497, 505, 510, 511, 512, 513, 1009, 1010, 1023, 1024, 1025, 2047, 2048, 4095, 4096, 4097, 16_384, 100_000];

interface Case { offsetDelta: number; timestampDelta: number; key: Buffer | string | null; value: Buffer | string; headers: Record<string, string | Buffer> }

function cases(): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const size of SIZES) {
    for (const key of [null, 'node-a/host', Buffer.from('ключ')]) {
      for (const headers of [{}, { trace: 'x'.repeat(size % 300), bin: randomBytes(7) }] as Array<Record<string, string | Buffer>>) {
        // Values from a used pool slab first, so bytes an unfilled buffer kept would show.
        out.push({ offsetDelta: i, timestampDelta: i * 37, key, value: i % 5 === 0 ? 'é'.repeat(size >> 1) : randomBytes(size), headers });
        i++;
      }
    }
  }
  // Deltas whose varints take 1 to 10 bytes, on both sides of the 30-bit fast path.
  const deltas = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40), 1_764_000_000_000, Number.MAX_SAFE_INTEGER];
  for (const timestampDelta of deltas) {
    const offsetDelta = Math.abs(timestampDelta) < 2 ** 31 ? Math.abs(timestampDelta) : i;
    out.push({ offsetDelta, timestampDelta, key: 'k', value: randomBytes(i++ % 700), headers: {} });
  }
  return out;
}

t.test('records are encoded byte for byte as the format specifies, across buffer-size boundaries', async (t) => {
  const all = cases();
  let bad = 0;
  for (const c of all) {
    Buffer.allocUnsafe(4000).fill(0xa5); // leave non-zero bytes in the pool an unfilled buffer may reuse
    const got = Record(c).buffer;
    if (!got.equals(referenceRecord(c))) bad++;
  }
  t.equal(bad, 0, `${all.length} records, each equal to the reference encoding`);
  t.throws(() => Record({ timestampDelta: 1.5, key: null, value: 'x' }), 'a fractional timestamp delta is refused, as kafkajs does');
});

t.test('a compressed record batch holds exactly the records, one after another', async (t) => {
  registerCompression();
  const all = cases();
  const records = all.map((c) => Record(c));
  const batch = await RecordBatch({ compression: COMPRESSION.lz4, records, lastOffsetDelta: records.length - 1 });
  // RecordBatch: firstOffset(8) length(4) leaderEpoch(4) magic(1) crc(4) attributes(2) lastOffsetDelta(4)
  // firstTimestamp(8) maxTimestamp(8) producerId(8) producerEpoch(2) firstSequence(4) count(4), then the compressed records.
  const compressed = batch.buffer.subarray(61);
  t.equal(batch.buffer.readInt32BE(57), records.length, 'record count');
  t.ok((await decompressFrame(compressed)).equals(Buffer.concat(all.map(referenceRecord))), 'the decompressed records equal the reference encodings in order');
});

t.test('grouping a batch per partition is linear: 300,000 messages to one partition, order kept', async (t) => {
  const messages = Array.from({ length: 300_000 }, (_, n) => ({ n }));
  const started = performance.now();
  const groups = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }], messages, partitioner: ({ message }: { message: { n: number } }) => (message.n % 7 === 0 ? 1 : 0) });
  const ms = performance.now() - started;
  t.equal(groups['0']!.length + groups['1']!.length, messages.length, 'every message grouped');
  t.ok(groups['1']!.every((m, i) => m.n === i * 7), 'partition order is the batch order');
  // Copying the list for every message (the unpatched grouping) takes minutes at this size.
  t.ok(ms < 5_000, `grouped in ${ms.toFixed(0)} ms`);
});

t.test('5,000 messages of mixed sizes over 3 partitions in one batch come back from the broker intact (real broker)', async (t) => {
  const tk = await testKafka('kafkajs-patch', ['eventsRaw'], 3);
  const topic = topicName(tk.prefix, 'eventsRaw');
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 5, maxBatchMessages: 5_000, maxBatchBytes: 64 << 20, compression: 'lz4' });
  await producer.connect();
  // Compressible values (as events are), so that the whole batch stays within the broker's request limits.
  const sent = Array.from({ length: 5_000 }, (_, i) => ({
    key: `k${i % 11}`,
    value: Buffer.concat([randomBytes(8), Buffer.from(`${i}:`.padEnd(SIZES[i % SIZES.length]! % 20_000, 'event'))]),
    ...(i % 3 === 0 ? { headers: { n: String(i) } } : {}),
  }));
  await producer.send(topic, sent);
  await producer.disconnect();

  const consumer = tk.kafka.consumer({ groupId: `${tk.prefix}.g` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = new Map<string, Buffer[]>();
  const headers = new Map<number, string>();
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        const k = message.key!.toString();
        got.set(k, [...(got.get(k) ?? []), message.value!]);
        const n = message.headers?.n;
        if (n !== undefined) headers.set(Number(n.toString()), message.value!.subarray(8).toString().split(':')[0]!);
        if (++count === sent.length) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  let mismatched = 0;
  for (let k = 0; k < 11; k++) {
    const want = sent.filter((m) => m.key === `k${k}`).map((m) => m.value);
    const have = got.get(`k${k}`) ?? [];
    if (want.length !== have.length || want.some((v, i) => !v.equals(have[i]!))) mismatched++;
  }
  t.equal(count, sent.length, 'every message consumed');
  t.equal(mismatched, 0, "each key's values in the order sent, byte for byte");
  t.equal(headers.size, 1_667, 'every third message carried its header');
  t.ok([...headers].every(([n, v]) => String(n) === v), 'each header on its own message');
});
