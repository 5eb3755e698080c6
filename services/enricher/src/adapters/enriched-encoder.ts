import type avro from 'avsc';
import { TracehoundError } from '@tracehound/errors';
import { CONFLUENT_HEADER, fieldsOf, trailingNullable } from '@tracehound/kafka';
import type { Enrichment, Event, K8s, RecordCodec } from '@tracehound/schemas';
import type { RawLayout } from './raw-event.js';

const NULL_BRANCH = 0x00;
const K8S_BRANCH = Buffer.from([0x02]); // union branch 1, zigzag-encoded

/**
 * Encoding the K8s block (labels, image ids, uids: many strings) is most of the cost of encoding
 * an enriched event, and the block object is shared by every event of a container (the resolver
 * reuses it). Event's last field is `k8s: ["null", K8s]`, so an enriched event's bytes are its
 * bytes with k8s = null, minus that final null-branch byte, plus the K8s branch byte and the
 * block's own bytes — which are computed once per block. Must match schemas/avro/Event.avsc:
 * checked here at construction and byte for byte against RecordCodec.encode by a test.
 *
 * `splice` goes further for a raw record written with this build's schema (see raw-event.ts):
 * nothing is encoded per event, the record's own bytes are copied around the new `enrichment`
 * field (encoded once per outcome) and the block's bytes are appended.
 */
export class EnrichedEncoder {
  private readonly k8sType: avro.Type;
  private readonly enrichmentType: avro.Type;
  private readonly tails = new WeakMap<K8s, Buffer>();
  private readonly outcomes = new Map<Enrichment, Buffer>();

  constructor(private readonly codec: RecordCodec<'tracehound.Event'>) {
    this.k8sType = trailingNullable(codec.type, 'k8s', 'services/enricher/src/adapters/enriched-encoder.ts').branch;
    this.enrichmentType = fieldsOf(codec.type).find((f) => f.name === 'enrichment')!.type;
  }

  encode(event: Event): Buffer {
    const k8s = event.k8s;
    if (!k8s) return this.codec.encode(event);
    const tail = this.tail(k8s);
    const head = this.codec.encode({ ...event, k8s: null });
    if (head[head.length - 1] !== NULL_BRANCH) return this.codec.encode(event);
    return Buffer.concat([head.subarray(0, head.length - 1), tail], head.length - 1 + tail.length);
  }

  /** The enriched record of a raw one: its bytes with `enrichment` set and the K8s block appended. */
  splice(raw: RawLayout, enrichment: Enrichment, k8s: K8s): Buffer {
    const writer = this.codec.schemaId;
    if (writer === undefined) throw new TracehoundError('TH_ERR_ENCODE', `${this.codec.name}: register() before splice()`);
    const v = raw.value;
    const end = v.length - 1; // the raw record's k8s null branch
    const mid = this.outcome(enrichment);
    const tail = this.tail(k8s);
    const out = Buffer.allocUnsafe(raw.enrichmentAt + mid.length + (end - raw.enrichmentEnd) + tail.length);
    out[0] = 0;
    out.writeUInt32BE(writer, 1);
    let at = CONFLUENT_HEADER + v.copy(out, CONFLUENT_HEADER, CONFLUENT_HEADER, raw.enrichmentAt);
    at += mid.copy(out, at);
    at += v.copy(out, at, raw.enrichmentEnd, end);
    tail.copy(out, at);
    return out;
  }

  private tail(k8s: K8s): Buffer {
    let tail = this.tails.get(k8s);
    if (!tail) {
      tail = Buffer.concat([K8S_BRANCH, this.k8sType.toBuffer(k8s)]);
      this.tails.set(k8s, tail);
    }
    return tail;
  }

  private outcome(enrichment: Enrichment): Buffer {
    let b = this.outcomes.get(enrichment);
    if (!b) this.outcomes.set(enrichment, (b = this.enrichmentType.toBuffer(enrichment)));
    return b;
  }
}
