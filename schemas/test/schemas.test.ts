import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { randomBytes, randomInt } from 'node:crypto';
import { zigzagVarint } from '@tracehound/testkit';
import { AVRO_OPTIONS, EVENT_KIND_SYMBOLS, avroType, composeSchema, generateTypes, sampleAlert, sampleEvent, sampleEnrichedEvent } from '../src/index.js';

t.test('generated TypeScript types match the .avsc files', async (t) => {
  const checkedIn = readFileSync(fileURLToPath(new URL('../src/generated/records.ts', import.meta.url)), 'utf8');
  t.equal(checkedIn, generateTypes(), 'run `npm run gen:types` after changing schemas/avro');
});

t.test('Event and Alert compose into self-contained schemas with each named type defined once', async (t) => {
  for (const name of ['tracehound.Event', 'tracehound.Alert'] as const) {
    const text = JSON.stringify(composeSchema(name));
    for (const inner of ['tracehound.Process', 'tracehound.AddressFamily', 'tracehound.K8s']) {
      t.equal(text.split(`"name":"${inner}"`).length - 1, 1, `${name} defines ${inner} once`);
    }
  }
});

t.test('every event kind round-trips through Avro binary', async (t) => {
  const type = avroType('tracehound.Event');
  for (const kind of EVENT_KIND_SYMBOLS) {
    for (const ev of [sampleEvent(kind), sampleEnrichedEvent(kind)]) {
      const back = type.fromBuffer(type.toBuffer(ev));
      t.same(back, ev, `${kind} (${ev.enrichment ?? 'raw'})`);
    }
  }
  const alert = sampleAlert();
  t.same(avroType('tracehound.Alert').fromBuffer(avroType('tracehound.Alert').toBuffer(alert)), alert, 'alert');
});

t.test('nanosecond timestamps round-trip exactly at the edges', async (t) => {
  const type = avroType('tracehound.Event');
  const edges = [0n, 1n, 2n ** 53n - 1n, 2n ** 53n + 1n, 1_764_367_200_123_456_789n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const ts of edges) {
    const back = type.fromBuffer(type.toBuffer(sampleEvent('process_exec', { ts }))) as { ts: bigint };
    t.equal(typeof back.ts, 'bigint');
    t.equal(back.ts, ts, `ts=${ts}`);
  }
  t.throws(() => type.toBuffer(sampleEvent('process_exec', { ts: 2n ** 63n })), 'past int64 is refused');
});

t.test('nanosecond timestamps are written as Avro longs byte for byte and read back: 64-bit edges and random values', async (t) => {
  const nanos = avro.Type.forSchema({ type: 'long', logicalType: 'timestamp-nanos' } as avro.Schema, { ...AVRO_OPTIONS });
  const edges = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n, -(2n ** 32n), 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 62n, -(2n ** 62n), 2n ** 63n - 1n, -(2n ** 63n)];
  const random = Array.from({ length: 5_000 }, () => BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`) >> BigInt(randomInt(0, 64))));
  let wrong = 0;
  let misread = 0;
  for (const v of [...edges, ...random]) {
    const buf = nanos.toBuffer(v);
    if (!buf.equals(zigzagVarint(v))) wrong++;
    if (nanos.fromBuffer(buf) !== v) misread++;
  }
  t.equal(wrong, 0, `${edges.length + random.length} values written as the specification's zig-zag varint`);
  t.equal(misread, 0, 'each read back exactly');
  t.ok(nanos.toBuffer(12_345).equals(zigzagVarint(12_345)), 'a whole number is written as its bigint');
  t.ok(nanos.toBuffer('-5').equals(zigzagVarint(-5)), 'a decimal string too');
  for (const bad of [1.5, 'x', 2n ** 63n, -(2n ** 63n) - 1n, null]) t.throws(() => nanos.toBuffer(bad), `${String(bad)} refused`);
  const long = nanos.toBuffer(1_764_367_200_123_456_789n);
  t.throws(() => nanos.fromBuffer(long.subarray(0, long.length - 1)), 'a cut value does not read');
  const padded = Buffer.from([0x8a, ...Array(9).fill(0x80), 0x00]); // 5, in 11 bytes
  t.equal(nanos.fromBuffer(padded), 5n, 'an over-long encoding is read to its end (no trailing bytes left)');
});

t.test('a plain long past 2^53 is refused rather than silently rounded', async (t) => {
  const type = avroType('tracehound.Event');
  t.throws(() => type.toBuffer(sampleEvent('process_exec', { process: { ...sampleEvent().process!, cgroup_id: 2 ** 60 } })));
});
