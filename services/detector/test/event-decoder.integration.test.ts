import t from 'tap';
import type { KafkaMessage } from 'kafkajs';
import { SchemaMatch } from '@tracehound/kafka';
import { RecordCodec, createRegistry, sampleEnrichedEvent, sampleEvent, type Event } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { enrichedEventDecoder } from '../src/adapters/event-decoder.js';

const registry = createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL);
const codec = new RecordCodec(registry, 'tracehound.Event');
const match = new SchemaMatch(codec.type, registry);
match.add(await codec.register(`${uniquePrefix('detector-decoder')}.events.enriched-value`));
const msg = (value: Buffer) => ({ value }) as KafkaMessage;

t.test('enriched records decode as RecordCodec decodes them; one K8s block object per distinct block', async (t) => {
  const decode = enrichedEventDecoder(codec, match);
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

t.test('bad records are decode errors (dead letters); other schemas go through the codec', async (t) => {
  const decode = enrichedEventDecoder(codec, match);
  const good = codec.encode(sampleEnrichedEvent('process_exec'));
  await t.rejects(async () => decode(msg(good.subarray(0, good.length - 7)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'truncated in the K8s block');
  await t.rejects(async () => decode(msg(good.subarray(0, 30)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'truncated before it');
  await t.rejects(async () => decode(msg(Buffer.concat([good, Buffer.from([1, 2])])), 'enriched'), { code: 'TH_ERR_DECODE' }, 'trailing bytes');
  await t.rejects(async () => decode(msg(Buffer.alloc(0)), 'enriched'), { code: 'TH_ERR_DECODE' }, 'empty');
  const unknown = enrichedEventDecoder(codec, new SchemaMatch(codec.type, { getSchema: async () => { throw new Error('unreachable'); } }));
  t.same(await unknown(msg(good), 'enriched'), codec.decodeKnown(good), 'a schema not known to be this one: the codec decodes it');
});
