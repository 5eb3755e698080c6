import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_KIND_SYMBOLS, avroType, composeSchema, generateTypes, sampleAlert, sampleEvent, sampleEnrichedEvent } from '../src/index.js';

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

t.test('a plain long past 2^53 is refused rather than silently rounded', async (t) => {
  const type = avroType('tracehound.Event');
  t.throws(() => type.toBuffer(sampleEvent('process_exec', { process: { ...sampleEvent().process!, cgroup_id: 2 ** 60 } })));
});
