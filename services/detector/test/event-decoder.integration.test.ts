import t from 'tap';
import type { KafkaMessage } from 'kafkajs';
import { SchemaMatch } from '@tracehound/kafka';
import { RecordCodec, createRegistry, sampleEnrichedEvent, sampleEvent, type Event } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { EnrichedEventReader } from '../src/adapters/event-decoder.js';

const registry = createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL);
const codec = new RecordCodec(registry, 'tracehound.Event');
const match = new SchemaMatch(codec.type, registry);
match.add(await codec.register(`${uniquePrefix('detector-decoder')}.events.enriched-value`));
const msg = (value: Buffer) => ({ value }) as KafkaMessage;

const reader = (m = match) => new EnrichedEventReader(codec, m);

t.test('enriched records decode as RecordCodec decodes them; one K8s block object per distinct block', async (t) => {
  const read = reader().decoder(() => undefined);
  const decode = async (m: KafkaMessage, topic: string) => (await read(m, topic)).event;
  const base = sampleEnrichedEvent().k8s!;
  const other = { ...base, pod: 'other', pod_labels: { 'é': 'ü', long: 'x'.repeat(300) }, host_path_mounts: ['/'] };
  const events: Event[] = [
    sampleEnrichedEvent('process_exec', { id: 'a', k8s: base }), sampleEnrichedEvent('file_open', { id: 'b', k8s: base }),
    sampleEnrichedEvent('net_connect', { id: 'c', k8s: other }), sampleEnrichedEvent('k8s_audit', { id: 'd', k8s: other }),
    sampleEvent('file_open', { id: 'raw' }),
  ];
  const out: Event[] = [];
  for (const e of events) {
    const value = codec.encode(e);
    const d = await decode(msg(value), 'enriched');
    t.same(d, codec.decodeKnown(value), `${e.id}: same event`);
    out.push(d);
  }
  t.equal(out[0]!.k8s, out[1]!.k8s, 'events of one block share its object');
  t.equal(out[2]!.k8s, out[3]!.k8s);
  t.not(out[0]!.k8s, out[2]!.k8s, 'another block, another object');
  t.equal(out[4]!.k8s, null);
});

t.test('blocks of the same size that differ in one byte are not confused; a block outlives its fetched batch', async (t) => {
  const read = reader().decoder(() => [['id'], ['k8s']]);
  const base = sampleEnrichedEvent().k8s!;
  const values = ['pod-a', 'pod-b', 'pod-a'].map((pod, i) => codec.encode(sampleEnrichedEvent('process_exec', { id: `s${i}`, k8s: { ...base, pod } })));
  const got = [];
  for (const v of values) got.push((await read(msg(v), 'enriched')).event.k8s!);
  t.same(got.map((k) => k.pod), ['pod-a', 'pod-b', 'pod-a']);
  t.equal(got[0], got[2], 'the same bytes again: the same object');
  values[0]!.fill(0); // the batch a record came in is reused or freed: the cached block does not depend on it
  t.equal((await read(msg(values[2]!), 'enriched')).event.k8s, got[0]);
  t.equal(got[0]!.pod, 'pod-a');
});

t.test('bad records are decode errors (dead letters); other schemas go through the codec', async (t) => {
  const decode = reader().decoder(() => [['kind'], ['process', 'comm']]);
  const good = codec.encode(sampleEnrichedEvent('process_exec'));
  await t.rejects(async () => decode(msg(good.subarray(0, good.length - 7)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'truncated in the K8s block');
  await t.rejects(async () => decode(msg(good.subarray(0, 30)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'truncated before it');
  await t.rejects(async () => decode(msg(Buffer.concat([good, Buffer.from([1, 2])])), 'enriched'), { code: 'TH_ERR_DECODE' }, 'trailing bytes');
  await t.rejects(async () => decode(msg(Buffer.alloc(0)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'empty');
  const unknown = reader(new SchemaMatch(codec.type, { getSchema: async () => { throw new Error('unreachable'); } })).decoder(() => [['kind']]);
  const whole = await unknown(msg(good), 'enriched');
  t.same(whole.event, codec.decodeKnown(good), 'a schema not known to be this one: the codec decodes it, whole');
  t.equal(whole.fields, undefined);
  t.equal(whole.full(), whole.event);
});

t.test('records are read for the fields asked for at the time; the whole event on request', async (t) => {
  let fields: Array<Array<string | number>> = [['id'], ['kind'], ['process', 'comm'], ['k8s']];
  const decode = reader().decoder(() => fields);
  const e = sampleEnrichedEvent('process_exec', { id: 'p1' });
  const value = codec.encode(e);
  const r = await decode(msg(value), 'enriched');
  t.same(Object.keys(r.event), ['id', 'kind', 'process', 'k8s'], 'only the fields asked for');
  t.same(r.event.process, { comm: e.process!.comm });
  t.same(r.event.k8s, e.k8s, 'the K8s block whole, from the block cache');
  t.equal(r.fields, fields);
  t.same(r.full(), codec.decodeKnown(value), 'full(): the whole event');
  t.equal(r.full().k8s, r.event.k8s, 'sharing the block object');
  t.equal(r.readFor(fields), r.event, 'read for the same fields: itself');
  const before = fields;
  fields = [['id'], ['kind'], ['process', 'exe'], ['k8s']];
  t.same(r.readFor(fields).process, { exe: e.process!.exe }, 'rules changed since: read again for theirs');
  t.equal(r.fields, before);
  t.same(Object.keys((await decode(msg(value), 'enriched')).event.process!), ['exe'], 'later records are read for the new fields');
});
