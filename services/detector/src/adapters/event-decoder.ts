import avro from 'avsc';
import { TracehoundError } from '@tracehound/errors';
import { CONFLUENT_HEADER, avroDecoder, bodyError, decodeAt, fastPathDecoder, fieldsOf, trailingNullable, type Decoder, type SchemaMatch } from '@tracehound/kafka';
import { AVRO_OPTIONS, composeSchema, type Event, type K8s, type RecordCodec } from '@tracehound/schemas';

/** Distinct K8s blocks remembered (about one per container); the cache starts over past this. */
const MAX_BLOCKS = 20_000;

/**
 * The decoder of events.enriched. Every event of a container carries the same K8s block (labels,
 * images, uids: most of an enriched record's strings), and it is the record's last field. So a
 * record written with this build's schema is read up to that block by a type whose `k8s` field
 * is "null" (it reads no bytes, so the read ends where the block begins), and the block is taken
 * from a cache keyed by its bytes: decoded once per distinct block and shared by the events that
 * carry it. Shared blocks are never mutated (rules read events, alerts only encode them). Records
 * of any other schema go through the ordinary decoder (resolving it through the registry).
 */
export function enrichedEventDecoder(codec: RecordCodec<'tracehound.Event'>, match: SchemaMatch): Decoder<Event> {
  const who = 'services/detector/src/adapters/event-decoder.ts';
  const k8s = trailingNullable(codec.type, 'k8s', who).union;
  const schema = composeSchema('tracehound.Event') as { fields: Array<{ name: string; type: unknown }> };
  const head = avro.Type.forSchema({ ...schema, fields: schema.fields.map((f) => (f.name === 'k8s' ? { name: 'k8s', type: 'null' } : f)) } as avro.Schema, { ...AVRO_OPTIONS });
  if (fieldsOf(head).length !== fieldsOf(codec.type).length) throw new TracehoundError('TH_ERR_SCHEMA', `Event's fields differ from the head type (${who})`);
  const blocks = new Map<string, K8s | null>();

  const fast = (buf: Buffer): Event => {
    try {
      const { value, offset } = decodeAt<Event>(head, buf, CONFLUENT_HEADER);
      const key = buf.toString('latin1', offset);
      let block = blocks.get(key);
      if (block === undefined) {
        block = decodeAt<K8s | null>(k8s, buf, offset, buf.length).value;
        if (blocks.size >= MAX_BLOCKS) blocks.clear();
        blocks.set(key, block);
      }
      value.k8s = block;
      return value;
    } catch (cause) {
      throw bodyError(codec.name, buf, cause);
    }
  };

  return fastPathDecoder(match, fast, avroDecoder(codec));
}
