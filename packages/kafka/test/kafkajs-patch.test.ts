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
type Message = { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, string | Buffer>; timestamp?: number };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as ((r: { offsetDelta?: number; timestampDelta?: number; key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, string | Buffer> }) => { buffer: Buffer; size(): number }) & {
  encodeMessages(messages: Message[], firstTimestamp: number, dateNow: number): { buffer: Buffer; buf: Buffer };
};
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
type Decoded = { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> };
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { offset: number; canReadBytes(n: number): boolean; readVarIntBytes(): Buffer };
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: object) => Promise<{ records: Decoded[] }>;
const RecordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (d: object, ctx: object) => Decoded;
const Batch = require('kafkajs/src/consumer/batch') as new (topic: string, fetchedOffset: string, p: { partition: number; highWatermark: string; messages: Array<{ offset: string }> }) => { messages: Array<{ offset: string }> };
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as ((b: Buffer) => number) & { portable: (b: Buffer) => number; native: boolean };
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

/** A record batch (format v2) from the specification around records already encoded; the CRC is not checked by readers here. */
function referenceBatch(o: { firstOffset: bigint; firstTimestamp: bigint; maxTimestamp: bigint; logAppendTime?: boolean; records: Buffer[] }): Buffer {
  const head = Buffer.alloc(61);
  head.writeBigInt64BE(o.firstOffset, 0);
  head.writeInt32BE(4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4 + Buffer.concat(o.records).length, 8);
  head.writeInt8(2, 16); // magic
  head.writeInt16BE(o.logAppendTime ? 0x8 : 0, 21);
  head.writeInt32BE(o.records.length - 1, 23);
  head.writeBigInt64BE(o.firstTimestamp, 27);
  head.writeBigInt64BE(o.maxTimestamp, 35);
  head.writeBigInt64BE(-1n, 43);
  head.writeInt16BE(-1, 51);
  head.writeInt32BE(-1, 53);
  head.writeInt32BE(o.records.length, 57);
  return Buffer.concat([head, ...o.records]);
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

t.test('a request\'s messages written as one run of records: the records one by one, in one buffer of their size, and the same batches', async (t) => {
  const first = 1_000_000;
  const all = cases().filter((c) => Math.abs(c.timestampDelta) < 2 ** 50 && c.timestampDelta !== -first);
  const messages: Message[] = all.map((c) => ({ key: c.key, value: c.value, headers: c.headers, timestamp: first + c.timestampDelta }));
  Buffer.allocUnsafe(4000).fill(0xa5);
  const run = Record.encodeMessages(messages, first, Date.now());
  const reference = Buffer.concat(all.map((c, i) => referenceRecord({ ...c, offsetDelta: i })));
  t.ok(run.buffer.equals(reference), `${all.length} messages: the reference records in order, offset deltas 0, 1, …`);
  t.equal(run.buf.length, reference.length + 4, 'one buffer of their size (and the 4 bytes more a last varint write asks for)');
  t.ok(Record.encodeMessages([{ key: null, value: 'v' }], 5, 12).buffer.equals(referenceRecord({ offsetDelta: 0, timestampDelta: 7, key: null, value: 'v', headers: {} })), 'a message without a timestamp is stamped now');
  registerCompression();
  for (const compression of [COMPRESSION.none, COMPRESSION.lz4]) {
    const records = messages.map((m, i) => Record({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: m.timestamp! - first }));
    const batch = { compression, firstTimestamp: first, maxTimestamp: first + 1, lastOffsetDelta: records.length - 1 };
    const oneByOne = await RecordBatch({ ...batch, records });
    const asRun = await RecordBatch({ ...batch, encodedRecords: Record.encodeMessages(messages, first, 0), recordCount: messages.length });
    t.ok(asRun.buffer.equals(oneByOne.buffer), `compression ${compression}: the same record batch`);
  }
});

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) bit by bit, as the record batch format specifies it. */
function referenceCrc32c(b: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

t.test('a record batch carries the CRC-32C of its bytes from the attributes on, computed natively', async (t) => {
  t.ok(crc32C.native, 'the hardware CRC-32C of @node-rs/crc32 is in use');
  for (const size of [0, 1, 7, 8, 9, 63, 64, 65, 4096, 100_003]) {
    const b = randomBytes(size);
    t.equal(crc32C(b), referenceCrc32c(b), `${size} bytes: native equals the reference`);
    t.equal(crc32C.portable(b), referenceCrc32c(b), `${size} bytes: kafkajs's own equals the reference`);
  }
  registerCompression();
  for (const compression of [COMPRESSION.none, COMPRESSION.lz4]) {
    const records = cases().map((c) => Record(c));
    const batch = await RecordBatch({ compression, records, lastOffsetDelta: records.length - 1 });
    t.equal(batch.buffer.readUInt32BE(17), referenceCrc32c(batch.buffer.subarray(21)), `compression ${compression}: the batch's CRC`);
  }
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

// Offsets and timestamps are computed in numbers when the sum is exact, else as before; the bases
// include values past 2^53 so that both ways are taken.
const BASES: Array<[bigint, bigint]> = [[0n, 1_764_000_000_000n], [123_456_789n, 0n], [2n ** 53n - 100n, 2n ** 53n - 1000n], [2n ** 62n, -(2n ** 40n)]];

t.test('record batches decode to the offsets, timestamps, keys, values and headers the format gives', async (t) => {
  const all = cases().filter((c) => BigInt(c.timestampDelta) + 2n ** 62n < 2n ** 63n);
  for (const [firstOffset, firstTimestamp] of BASES) {
    for (const logAppendTime of [false, true]) {
      const maxTimestamp = firstTimestamp + 5n;
      const { records } = await RecordBatchDecoder(new Decoder(referenceBatch({ firstOffset, firstTimestamp, maxTimestamp, logAppendTime, records: all.map(referenceRecord) })));
      let bad = 0;
      for (const [i, c] of all.entries()) {
        const r = records[i]!;
        const want = { offset: String(firstOffset + BigInt(c.offsetDelta)), timestamp: String(logAppendTime ? maxTimestamp : firstTimestamp + BigInt(c.timestampDelta)) };
        const key = c.key === null ? null : Buffer.from(c.key);
        const headersOk = Object.keys(r.headers).length === Object.keys(c.headers).length && Object.entries(c.headers).every(([k, v]) => Buffer.from(v).equals(r.headers[k] as Buffer));
        if (r.offset !== want.offset || r.timestamp !== want.timestamp || !(key === null ? r.key === null : key.equals(r.key!)) || !Buffer.from(c.value).equals(r.value!) || !headersOk) bad++;
      }
      t.equal(records.length, all.length);
      t.equal(bad, 0, `${all.length} records from offset ${firstOffset}, timestamp ${firstTimestamp}${logAppendTime ? ' (log append time)' : ''}: every field as written`);
      const bare = records.filter((_, i) => Object.keys(all[i]!.headers).length === 0);
      t.ok(bare.length > 1 && bare.every((r) => r.headers === bare[0]!.headers && Object.isFrozen(r.headers)), `the ${bare.length} records without headers share one frozen empty object`);
    }
  }
});

t.test('a record with bytes past its fields, or fields past its length, reads as from a buffer of its own', async (t) => {
  const c = (i: number): Case => ({ offsetDelta: i, timestampDelta: i * 1000, key: `k${i}`, value: `value ${i}`, headers: i % 2 ? { h: `x${i}` } : {} });
  const body = (r: Buffer) => new Decoder(r).readVarIntBytes();
  // Record 1 carries 3 bytes after its headers; record 3 claims 2 bytes fewer than its fields take.
  const raw = [0, 1, 2, 3, 4].map((i) => body(referenceRecord(c(i))));
  const framed = raw.map((b, i) => (i === 1 ? Buffer.concat([zigzagVarint(b.length + 3), b, Buffer.from([9, 9, 9])]) : i === 3 ? Buffer.concat([zigzagVarint(b.length - 2), b]) : Buffer.concat([zigzagVarint(b.length), b])));
  const ctx = { firstOffset: 10n, firstTimestamp: 1_764_000_000_000n, maxTimestamp: 1_764_000_009_000n };
  const { records } = await RecordBatchDecoder(new Decoder(referenceBatch({ ...ctx, records: framed })));
  // What readers did before: each record from a buffer of exactly its length.
  const own = new Decoder(Buffer.concat(framed));
  const want: Decoded[] = [];
  for (let i = 0; i < framed.length; i++) want.push(RecordDecoder(new Decoder(own.readVarIntBytes()), { firstOffset: String(ctx.firstOffset), firstTimestamp: String(ctx.firstTimestamp) }));
  const view = (r: Decoded) => [r.offset, r.timestamp, r.key?.toString('hex'), r.value?.toString('hex'), JSON.stringify(Object.entries(r.headers).map(([k, v]) => [k, String(v)]))];
  t.same(records.map(view), want.map(view), 'the same records, fields and all');
  t.same(records.slice(0, 3).map((r) => [r.offset, r.value?.toString()]), [['10', 'value 0'], ['11', 'value 1'], ['12', 'value 2']], 'bytes past a record\'s fields are skipped');
});

t.test('a batch keeps the messages at or after the fetched offset, also past 2^53', async (t) => {
  const at = (fetched: string, offsets: string[]) => new Batch('t', fetched, { partition: 0, highWatermark: '0', messages: offsets.map((offset) => ({ offset })) }).messages.map((m) => m.offset);
  t.same(at('100', ['98', '99', '100', '101']), ['100', '101']);
  t.same(at('9007199254740992', ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994']), ['9007199254740992', '9007199254740993', '9007199254740994']);
  t.same(at('9007199254740993', ['9007199254740992', '9007199254740993', '9007199254740994']), ['9007199254740993', '9007199254740994'], 'offsets numbers cannot tell apart are compared exactly');
  t.same(at('0', ['0', '1']), ['0', '1']);
});


type PushedRequest = { entry: { correlationId: number; resolve: () => void; reject: () => void }; expectResponse: boolean; sendRequest: () => void };
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (o: object) => {
  throttleCheckTimeoutId: unknown; pending: unknown[]; inflight: Map<number, unknown>;
  push(r: PushedRequest): void; maybeThrottle(ms: number): void; checkPendingRequests(): void; fulfillRequest(r: { correlationId: number; payload: Buffer | null; size: number }): void; destroy(): void;
};
const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

t.test('a request queue with nothing waiting sets no timer, and throttled or queued requests are still sent', async (t) => {
  const q = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b', logger: quietLogger });
  t.teardown(() => q.destroy());
  q.checkPendingRequests();
  t.equal(q.throttleCheckTimeoutId, null, 'no timer while nothing waits');
  const sent: number[] = [];
  const request = (correlationId: number): PushedRequest => ({ entry: { correlationId, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(correlationId) });
  q.push(request(1));
  q.push(request(2));
  t.same(sent, [1], 'the first is sent at once, the second waits for the in-flight limit');
  q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
  t.same(sent, [1, 2], 'sent when the first is answered');
  q.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
  await new Promise((r) => setTimeout(r, 30)); // the check armed while request 2 waited fires once
  t.equal(q.throttleCheckTimeoutId, null, 'and no timer once nothing waits');
  q.maybeThrottle(40);
  const at = Date.now();
  q.push(request(3));
  t.same(sent, [1, 2], 'held while the broker throttles');
  while (sent.length < 3 && Date.now() - at < 2_000) await new Promise((r) => setTimeout(r, 5));
  t.same(sent, [1, 2, 3], 'sent once the throttle ends');
  t.ok(Date.now() - at >= 39, `after ${Date.now() - at} ms`);
});

t.test('an idle connection does not wake the event loop (real broker)', async (t) => {
  const tk = await testKafka('kafkajs-idle', ['eventsRaw'], 1);
  const producer = new BatchingProducer(tk.kafka);
  await producer.connect();
  await producer.send(topicName(tk.prefix, 'eventsRaw'), [{ key: 'k', value: Buffer.from('v') }]);
  const proto = RequestQueue.prototype as unknown as { checkPendingRequests(this: unknown): void };
  const original = proto.checkPendingRequests;
  let checks = 0;
  proto.checkPendingRequests = function (this: unknown) { checks++; original.call(this); };
  t.teardown(() => { proto.checkPendingRequests = original; });
  await new Promise((r) => setTimeout(r, 500));
  await producer.disconnect();
  // Published kafkajs re-arms a 1 ms timer per connection for as long as it lives: hundreds here.
  t.ok(checks < 20, `${checks} queue checks in 500 ms of an idle, connected producer`);
});
