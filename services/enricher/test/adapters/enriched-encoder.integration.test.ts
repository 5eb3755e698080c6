import t from 'tap';
import type { KafkaMessage } from 'kafkajs';
import { SchemaMatch } from '@tracehound/kafka';
import { RecordCodec, createRegistry, sampleEnrichedEvent, sampleEvent, type Event, type K8s } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { EnrichedEncoder } from '../../src/adapters/enriched-encoder.js';
import { rawEventDecoder } from '../../src/adapters/raw-event.js';

t.test('cached K8s bytes: byte for byte what RecordCodec.encode writes', async (t) => {
  const codec = new RecordCodec(createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL), 'tracehound.Event');
  await codec.register(`${uniquePrefix('encoder')}.events.enriched-value`);
  const enc = new EnrichedEncoder(codec);
  const base = sampleEnrichedEvent().k8s!;
  const blocks: K8s[] = [
    base,
    { ...base, namespace_labels: {}, pod_labels: { 'é': 'ü', long: 'x'.repeat(300) }, host_path_mounts: ['/var/run/docker.sock', '/'], privileged: true, image_id: null },
    { ...base, pod: null, pod_uid: null, container: null, workload_kind: null, workload_name: null, node: 'node-9' },
  ];
  const events: Event[] = [sampleEvent('process_exec'), sampleEvent('agent_stats', { enrichment: 'host' })];
  for (const [i, k8s] of blocks.entries()) {
    for (const kind of ['process_exec', 'net_connect', 'file_open', 'k8s_audit'] as const) {
      events.push(sampleEnrichedEvent(kind, { id: `e-${i}-${kind}`, k8s, enrichment: i === 2 ? 'unresolved' : 'resolved' }));
    }
  }
  for (const e of events) {
    t.same(enc.encode(e), codec.encode(e), `${e.id} first`);
    t.same(enc.encode(e), codec.encode(e), `${e.id} cached`);
    t.same(codec.decodeKnown(enc.encode(e)), e, `${e.id} decodes back`);
  }
});

t.test('raw records of this schema: routing fields read, enriched bytes spliced byte for byte as RecordCodec.encode writes them', async (t) => {
  const registry = createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL);
  const codec = new RecordCodec(registry, 'tracehound.Event');
  const match = new SchemaMatch(codec.type, registry);
  match.add(await codec.register(`${uniquePrefix('splice')}.events.enriched-value`));
  const enc = new EnrichedEncoder(codec);
  const decode = rawEventDecoder(codec, match);
  const k8s = sampleEnrichedEvent().k8s!;
  const long = 'x'.repeat(200); // multi-byte varint lengths before the enrichment field
  const raws: Event[] = [
    sampleEvent('process_exec'), sampleEvent('file_open', { id: long, node: `node-${long}` }), sampleEvent('net_connect', { process: null }),
    sampleEvent('agent_stats'), sampleEvent('k8s_audit'), sampleEvent('file_open', { enrichment: 'unresolved' }),
  ];
  for (const raw of raws) {
    const value = codec.encode(raw);
    const r = await decode({ value } as KafkaMessage, 'raw');
    t.ok(r.layout, `${raw.kind} ${raw.id.slice(0, 8)}: spliceable`);
    t.same([r.event.kind, r.event.node, r.event.process?.container_id ?? null, r.event.process?.cgroup_path ?? null, r.event.audit?.name ?? null],
      [raw.kind, raw.node, raw.process?.container_id ?? null, raw.process?.cgroup_path ?? null, raw.audit?.name ?? null], 'routing fields read');
    for (const outcome of ['resolved', 'unresolved', 'host'] as const) {
      const spliced = enc.splice(r.layout!, outcome, k8s);
      t.same(spliced, codec.encode({ ...raw, enrichment: outcome, k8s }), `${raw.kind} ${outcome}: same bytes`);
    }
  }
  const enriched = sampleEnrichedEvent('process_exec');
  const again = await decode({ value: codec.encode(enriched) } as KafkaMessage, 'raw');
  t.equal(again.layout, null, 'a record that already has a K8s block is decoded whole');
  t.same(again.event, enriched);
  const other = rawEventDecoder(codec, new SchemaMatch(codec.type, { getSchema: async () => { throw new Error('unreachable'); } }));
  const viaCodec = await other({ value: codec.encode(raws[0]!) } as KafkaMessage, 'raw');
  t.equal(viaCodec.layout, null, 'a schema not known to be this one: decoded whole by the codec');
  t.same(viaCodec.event, raws[0]);
  const cut = codec.encode(raws[0]!).subarray(0, 40);
  await t.rejects(async () => decode({ value: cut } as KafkaMessage, 'raw'), { code: 'TH_ERR_DECODE' }, 'a truncated record: a decode error (dead letter)');
});
