import type avro from 'avsc';
import { TracehoundError } from '@tracehound/errors';
import type { Event, K8s, RecordCodec } from '@tracehound/schemas';

const NULL_BRANCH = 0x00;
const K8S_BRANCH = Buffer.from([0x02]); // union branch 1, zigzag-encoded

/**
 * Encoding the K8s block (labels, image ids, uids: many strings) is most of the cost of encoding
 * an enriched event, and the block object is shared by every event of a container (the resolver
 * reuses it). Event's last field is `k8s: ["null", K8s]`, so an enriched event's bytes are its
 * bytes with k8s = null, minus that final null-branch byte, plus the K8s branch byte and the
 * block's own bytes — which are computed once per block. Must match schemas/avro/Event.avsc:
 * checked here at construction and byte for byte against RecordCodec.encode by a test.
 */
export class EnrichedEncoder {
  private readonly k8sType: avro.Type;
  private readonly tails = new WeakMap<K8s, Buffer>();

  constructor(private readonly codec: RecordCodec<'tracehound.Event'>) {
    const fields = (codec.type as unknown as { fields: Array<{ name: string; type: { types?: avro.Type[] } }> }).fields;
    const last = fields[fields.length - 1];
    const branch = last?.type.types?.[1];
    if (last?.name !== 'k8s' || !branch || last.type.types?.[0]?.typeName !== 'null') {
      throw new TracehoundError('TH_ERR_SCHEMA', 'Event must end with the field k8s: ["null", K8s] (services/enricher/src/adapters/enriched-encoder.ts relies on it)');
    }
    this.k8sType = branch;
  }

  encode(event: Event): Buffer {
    const k8s = event.k8s;
    if (!k8s) return this.codec.encode(event);
    let tail = this.tails.get(k8s);
    if (!tail) {
      tail = Buffer.concat([K8S_BRANCH, this.k8sType.toBuffer(k8s)]);
      this.tails.set(k8s, tail);
    }
    const head = this.codec.encode({ ...event, k8s: null });
    if (head[head.length - 1] !== NULL_BRANCH) return this.codec.encode(event);
    return Buffer.concat([head.subarray(0, head.length - 1), tail], head.length - 1 + tail.length);
  }
}
