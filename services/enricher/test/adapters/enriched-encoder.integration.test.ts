import t from 'tap';
import { RecordCodec, createRegistry, sampleEnrichedEvent, sampleEvent, type Event, type K8s } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { EnrichedEncoder } from '../../src/adapters/enriched-encoder.js';

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
