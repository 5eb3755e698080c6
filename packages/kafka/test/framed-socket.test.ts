import t, { type Test } from 'tap';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { testKafka } from '@tracehound/testkit';
import { BatchingProducer, FrameReader, framedSocketFactory, topicName } from '../src/index.js';
import { MAX_FRAME, READ_CHUNK } from '../src/framed-socket.js';

/** A Kafka frame: the big-endian int32 size, then that many bytes. */
function frameOf(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Feeds `stream` to a reader as a socket would: each read fills at most what next() offers, `cut` bounding it further. */
function feed(reader: FrameReader, stream: Buffer, cut: () => number): { reads: number; direct: number } {
  let at = 0;
  let reads = 0;
  let direct = 0;
  while (at < stream.length) {
    const into = reader.next();
    if (into.length !== READ_CHUNK) direct++;
    const n = Math.min(into.length, cut(), stream.length - at);
    stream.copy(into, 0, at, at + n);
    at += n;
    reads++;
    if (!reader.read(n, into)) break;
  }
  return { reads, direct };
}

t.test('a stream cut anywhere comes out as its frames, each whole, in order', async (t) => {
  const sizes = [0, 1, 3, 4, 100, READ_CHUNK - 4, READ_CHUNK, READ_CHUNK + 1, 3 * READ_CHUNK + 17, 1_000_000, 5, 2];
  const bodies = sizes.map((n) => randomBytes(n));
  const stream = Buffer.concat(bodies.map(frameOf));
  for (const [name, cut] of [
    ['one byte at a time', () => 1],
    ['three bytes at a time', () => 3],
    ['random reads', () => randomInt(1, 2 * READ_CHUNK)],
    ['as much as offered', () => Number.MAX_SAFE_INTEGER],
  ] as const) {
    const got: Buffer[] = [];
    const { direct } = feed(new FrameReader((f) => got.push(f), (err) => t.fail(err.message)), stream, cut);
    t.same(got.map((f) => f.readInt32BE(0)), sizes, `${name}: every size`);
    t.ok(got.every((f, i) => f.subarray(4).equals(bodies[i]!) && f.length === 4 + sizes[i]!), `${name}: every body, each frame exactly its size`);
    if (name === 'as much as offered') t.ok(direct > 0, `large frames read straight into their own buffer (${direct} reads)`);
  }
});

t.test('a large frame is read into the buffer it is delivered in, not copied from a reused one', async (t) => {
  const body = randomBytes(4 * READ_CHUNK);
  const got: Buffer[] = [];
  const reader = new FrameReader((f) => got.push(f), (err) => t.fail(err.message));
  const stream = frameOf(body);
  let at = 0;
  const reads: Array<{ into: Buffer; n: number }> = [];
  while (at < stream.length) {
    const into = reader.next();
    // Reads of at most READ_CHUNK bytes, as a socket's often are.
    const n = Math.min(into.length, READ_CHUNK, stream.length - at);
    reads.push({ into, n });
    stream.copy(into, 0, at, at + n);
    at += n;
    reader.read(n, into);
  }
  t.equal(got.length, 1);
  const direct = reads.filter((r) => r.into.buffer === got[0]!.buffer).reduce((sum, r) => sum + r.n, 0);
  t.ok(direct >= body.length - READ_CHUNK, `${direct} of ${stream.length} bytes read straight into the frame`);
  t.ok(got[0]!.subarray(4).equals(body));
});

t.test('a size no Kafka response has fails the reader and delivers nothing more', async (t) => {
  for (const size of [-1, MAX_FRAME + 1]) {
    const got: Buffer[] = [];
    const errors: Error[] = [];
    const head = Buffer.alloc(4);
    head.writeInt32BE(size);
    const stream = Buffer.concat([frameOf(Buffer.from('ok')), head, randomBytes(100)]);
    feed(new FrameReader((f) => got.push(f), (err) => errors.push(err)), stream, () => 1_000);
    t.equal(got.length, 1, `${size}: the frame before is delivered`);
    t.match(errors, [{ message: new RegExp(`announced ${size} bytes`) }], `${size}: named`);
  }
});

/** A server on 127.0.0.1 that writes `chunks` with pauses, then `end`s, to each connection. */
async function server(t: Test, chunks: Buffer[], end = true): Promise<number> {
  const open = new Set<Socket>();
  const srv = createServer(async (s) => {
    open.add(s);
    for (const c of chunks) {
      s.write(c);
      await new Promise((r) => setTimeout(r, 2));
    }
    if (end) s.end();
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.teardown(() => {
    for (const s of open) s.destroy();
    srv.close();
  });
  return (srv.address() as AddressInfo).port;
}

t.test('a socket of the factory emits each response as one data chunk, and its end (real TCP)', async (t) => {
  const bodies = [randomBytes(10), randomBytes(300_000), randomBytes(0), randomBytes(70_000)];
  const stream = Buffer.concat(bodies.map(frameOf));
  // Written in pieces that cut headers and bodies anywhere.
  const pieces: Buffer[] = [];
  for (let at = 0; at < stream.length;) {
    const n = Math.min(randomInt(1, 50_000), stream.length - at);
    pieces.push(stream.subarray(at, at + n));
    at += n;
  }
  const port = await server(t, pieces);
  let connected = false;
  const socket = framedSocketFactory({ host: '127.0.0.1', port, onConnect: () => (connected = true) } as never);
  const got: Buffer[] = [];
  socket.on('data', (d: Buffer) => got.push(d));
  await once(socket, 'end');
  t.ok(connected, 'onConnect called');
  t.same(got.map((f) => f.length), bodies.map((b) => b.length + 4));
  t.ok(got.every((f, i) => f.subarray(4).equals(bodies[i]!)));
  socket.destroy();
});

t.test('a socket of the factory that reads a size no Kafka response has is destroyed with the reason (real TCP)', async (t) => {
  const port = await server(t, [Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])], false);
  const socket = framedSocketFactory({ host: '127.0.0.1', port, onConnect: () => undefined } as never);
  const [err] = (await once(socket, 'error')) as [Error];
  t.match(err.message, /announced -16 bytes/);
  t.ok(socket.destroyed);
});

t.test('kafkajs takes a whole response after the one before without copying it', async (t) => {
  const Connection = createRequire(import.meta.url)('kafkajs/src/network/connection') as { prototype: { processData(this: object, d: Buffer): void } };
  const fulfilled: Array<{ correlationId: number; payload: Buffer }> = [];
  const conn = { chunks: [] as Buffer[], bytesBuffered: 0, bytesNeeded: 4, requestQueue: { fulfillRequest: (r: { correlationId: number; payload: Buffer }) => fulfilled.push(r) } };
  const response = (id: number, body: Buffer) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(id);
    return frameOf(Buffer.concat([b, body]));
  };
  const first = response(1, randomBytes(1000));
  const second = response(2, randomBytes(100_000));
  Connection.prototype.processData.call(conn, first);
  Connection.prototype.processData.call(conn, second);
  t.same(fulfilled.map((r) => r.correlationId), [1, 2]);
  t.equal(fulfilled[1]!.payload.buffer, second.buffer, 'the payload is a view of the chunk');
  t.ok(fulfilled[1]!.payload.equals(second.subarray(8)));
  // Responses cut across chunks still join.
  const third = response(3, randomBytes(5000));
  Connection.prototype.processData.call(conn, third.subarray(0, 2));
  Connection.prototype.processData.call(conn, third.subarray(2, 3000));
  Connection.prototype.processData.call(conn, Buffer.concat([third.subarray(3000), response(4, Buffer.from('x')).subarray(0, 6)]));
  t.same(fulfilled.map((r) => r.correlationId), [1, 2, 3]);
  t.ok(fulfilled[2]!.payload.equals(third.subarray(8)));
});

t.test('clients made by createKafka talk to the real broker through the framed sockets: a 900 KB record and 2,000 others round-trip (real broker)', async (t) => {
  const tk = await testKafka('framed', ['eventsRaw'], 1);
  const kafka = tk.kafka;
  const topic = topicName(tk.prefix, 'eventsRaw');
  const producer = new BatchingProducer(kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const big = randomBytes(900 * 1024);
  const small = Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i % 7}`, value: randomBytes(randomInt(1, 3000)) }));
  // Each send one record batch under the broker's 1 MB bound.
  await producer.send(topic, [{ key: 'big', value: big }]);
  for (let i = 0; i < small.length; i += 200) await producer.send(topic, small.slice(i, i + 200));
  const consumer = kafka.consumer({ groupId: `${tk.prefix}-framed`, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.connect();
  t.teardown(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = new Map<string, Buffer[]>();
  let count = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const k = message.key!.toString();
        seen.set(k, [...(seen.get(k) ?? []), message.value!]);
        if (++count === small.length + 1) resolve();
      },
    });
  });
  await done;
  t.ok(seen.get('big')?.[0]?.equals(big), 'the 900 KB value intact');
  for (let k = 0; k < 7; k++) {
    const sent = small.filter((m) => m.key === `k${k}`).map((m) => m.value);
    t.ok(sent.length === seen.get(`k${k}`)?.length && sent.every((v, i) => v.equals(seen.get(`k${k}`)![i]!)), `key k${k}: every value, in order`);
  }
});
