import avro from 'avsc';
import { crc32c } from '@node-rs/crc32';
import type { KafkaMessage } from 'kafkajs';
import { TracehoundError } from '@tracehound/errors';
import { CONFLUENT_HEADER, avroDecoder, bodyError, decodeAt, fastPathDecoder, fieldsOf, projectType, trailingNullable, type Decoder, type SchemaMatch } from '@tracehound/kafka';
import { AVRO_OPTIONS, composeSchema, type Event, type K8s, type RecordCodec } from '@tracehound/schemas';
import type { Segment } from '../rules/field-path.js';

/** Distinct K8s blocks remembered (about one per container); the cache starts over past this. */
const MAX_BLOCKS = 20_000;

/** The event fields to read (RuleSet.fields), or undefined for all of them. */
export type Fields = readonly (readonly Segment[])[] | undefined;

/**
 * An event as the detector read it: `event` holds the fields `fields` named (every field when
 * undefined), `full()` reads all of it again from its bytes — what an alert carries.
 */
export interface ReadEvent {
  readonly event: Event;
  readonly fields: Fields;
  full(): Event;
  /** The event with at least `fields` read: itself when read for those fields (or for all). */
  readFor(fields: Fields): Event;
}

class Read implements ReadEvent {
  constructor(readonly event: Event, readonly fields: Fields, private readonly bytes: Buffer | undefined, private readonly reader: EnrichedEventReader) {}

  full(): Event {
    return this.fields === undefined || !this.bytes ? this.event : this.reader.read(this.bytes, undefined);
  }

  readFor(fields: Fields): Event {
    return this.fields === undefined || this.fields === fields || !this.bytes ? this.event : this.reader.read(this.bytes, fields);
  }
}

/**
 * The decoder of events.enriched. Every event of a container carries the same K8s block (labels,
 * images, uids: most of an enriched record's strings), and it is the record's last field. So a
 * record written with this build's schema is read up to that block by a type whose `k8s` field
 * is "null" (it reads no bytes, so the read ends where the block begins), and the block is taken
 * from a cache keyed by its bytes: decoded once per distinct block and shared by the events that
 * carry it. Shared blocks are never mutated (rules read events, alerts only encode them).
 * Up to the block, only the fields the rules in force read are decoded (`projectType`: the rest
 * is skipped in the bytes); an alert's event is read whole again (`ReadEvent.full`). Records of
 * any other schema go through the ordinary decoder (resolving it through the registry), whole.
 */
export class EnrichedEventReader {
  private readonly head: avro.Type;
  private readonly k8s: avro.Type;
  /** Decoded blocks by the CRC-32C of their bytes; a hit counts only when the bytes are equal too. */
  private readonly blocks = new Map<number, { bytes: Buffer; block: K8s | null }>();
  /** Projections by the identity of their field list (one per rule set that read events). */
  private readonly projections = new WeakMap<object, { type: avro.Type; resolver: avro.Resolver }>();

  constructor(private readonly codec: RecordCodec<'tracehound.Event'>, private readonly match: SchemaMatch) {
    const who = 'services/detector/src/adapters/event-decoder.ts';
    this.k8s = trailingNullable(codec.type, 'k8s', who).union;
    const schema = composeSchema('tracehound.Event') as { fields: Array<{ name: string; type: unknown }> };
    this.head = avro.Type.forSchema({ ...schema, fields: schema.fields.map((f) => (f.name === 'k8s' ? { name: 'k8s', type: 'null' } : f)) } as avro.Schema, { ...AVRO_OPTIONS });
    if (fieldsOf(this.head).length !== fieldsOf(codec.type).length) throw new TracehoundError('TH_ERR_SCHEMA', `Event's fields differ from the head type (${who})`);
  }

  /** The Kafka decoder: reads each record for the fields `fields()` names at that moment. */
  decoder(fields: () => Fields): Decoder<ReadEvent> {
    const ordinary = avroDecoder(this.codec);
    const whole: Decoder<ReadEvent> = async (msg: KafkaMessage, topic: string) => new Read(await ordinary(msg, topic), undefined, undefined, this);
    return fastPathDecoder(this.match, (buf) => {
      const f = fields();
      return new Read(this.read(buf, f), f, buf, this);
    }, whole);
  }

  /** A record of this build's schema, read for `fields` (all when undefined). */
  read(buf: Buffer, fields: Fields): Event {
    try {
      const p = fields && this.projection(fields);
      const { value, offset } = decodeAt<Event>(p ? p.type : this.head, buf, CONFLUENT_HEADER, undefined, p?.resolver);
      // Keyed by a native CRC of the bytes and checked against them: a string of the bytes as the key
      // was ~450 bytes of garbage per event, 13 % of what the detector's thread allocated.
      const bytes = buf.subarray(offset);
      const hash = crc32c(bytes);
      const hit = this.blocks.get(hash);
      if (hit && hit.bytes.equals(bytes)) {
        value.k8s = hit.block;
      } else {
        const block = decodeAt<K8s | null>(this.k8s, buf, offset, buf.length).value;
        if (!hit && this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
        this.blocks.set(hash, { bytes: Buffer.from(bytes), block }); // a copy: the fetched batch is not kept alive
        value.k8s = block;
      }
      return value;
    } catch (cause) {
      throw bodyError(this.codec.name, buf, cause);
    }
  }

  private projection(fields: NonNullable<Fields>): { type: avro.Type; resolver: avro.Resolver } {
    let p = this.projections.get(fields);
    if (!p) {
      const type = projectType(this.head, fields, { ...AVRO_OPTIONS });
      p = { type, resolver: type.createResolver(this.head) };
      this.projections.set(fields, p);
    }
    return p;
  }
}
