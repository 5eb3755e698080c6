import { TracehoundError } from '@tracehound/errors';
import { CONFLUENT_HEADER, avroDecoder, bodyError, decodeAt, fastPathDecoder, fieldsOf, projectType, trailingNullable, type Decoder, type SchemaMatch } from '@tracehound/kafka';
import { AVRO_OPTIONS, type Event, type RecordCodec } from '@tracehound/schemas';
import type { Routable } from '../handlers/resolve.js';

/** Where a raw record's `enrichment` field lies in its value: what the encoder replaces. */
export interface RawLayout {
  value: Buffer;
  enrichmentAt: number;
  enrichmentEnd: number;
}

/** A raw event as the enricher reads it. */
export type RawEvent =
  /** Written with this build's schema, no K8s block yet: the routing fields and the bytes to splice. */
  | { event: Routable; layout: RawLayout }
  /** Anything else (another schema, a K8s block already there): the whole event, encoded afresh. */
  | { event: Event; layout: null };

/** The fields read of a raw event: must cover Routable (handlers/resolve.ts); of k8s only whether it is null. */
const KEEP: string[][] = [
  ['kind'], ['node'], ['process', 'container_id'], ['process', 'cgroup_path'], ['audit', 'resource'], ['audit', 'namespace'], ['audit', 'name'], ['k8s', 'cluster'],
];
/** The fields before `enrichment`, which the splice skips byte by byte: must match schemas/avro/Event.avsc. */
const PREFIX = [['id', 'string'], ['ts', 'logical:timestamp-nanos'], ['node', 'string'], ['kind', 'enum'], ['enrichment', 'union:unwrapped']];

/** The position after the Avro long (zigzag varint) at `pos`. */
function skipLong(buf: Buffer, pos: number): number {
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('the record is truncated');
    if (b < 0x80) return pos;
  }
}

/** The position after the Avro string (or bytes) at `pos`. */
function skipString(buf: Buffer, pos: number): number {
  let n = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('the record is truncated');
    n += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  const len = n % 2 === 0 ? n / 2 : -(n + 1) / 2; // zigzag
  if (len < 0 || pos + len > buf.length) throw new Error('a string runs past the record');
  return pos + len;
}

/**
 * The decoder of events.raw. The enricher changes two fields of an event, `enrichment` (the
 * fifth) and `k8s` (the last), so a record written with this build's schema is not decoded
 * whole: a projection reads only the fields that route it (avsc skips the rest without making
 * strings), and the encoder copies the record's own bytes around the two fields. Records of any
 * other schema, or that already carry a K8s block, are decoded whole and encoded afresh.
 */
export function rawEventDecoder(codec: RecordCodec<'tracehound.Event'>, match: SchemaMatch): Decoder<RawEvent> {
  const who = 'services/enricher/src/adapters/raw-event.ts';
  trailingNullable(codec.type, 'k8s', who);
  const fields = fieldsOf(codec.type);
  if (PREFIX.some(([name, type], i) => fields[i]?.name !== name || fields[i]?.type.typeName !== type)) {
    throw new TracehoundError('TH_ERR_SCHEMA', `Event must begin with the fields ${PREFIX.map(([n, t]) => `${n}: ${t}`).join(', ')} (${who} relies on it)`);
  }
  const lite = projectType(codec.type, KEEP, { ...AVRO_OPTIONS });
  const resolver = lite.createResolver(codec.type);
  const whole = (event: Event): RawEvent => ({ event, layout: null });

  const fast = (buf: Buffer): RawEvent | undefined => {
    let event: Routable & { k8s: unknown };
    let at: number;
    let end: number;
    try {
      event = decodeAt<Routable & { k8s: unknown }>(lite, buf, CONFLUENT_HEADER, buf.length, resolver).value;
      at = skipLong(buf, skipString(buf, skipLong(buf, skipString(buf, CONFLUENT_HEADER)))); // id, ts, node, kind
      end = buf[at] === 0 ? at + 1 : skipLong(buf, skipLong(buf, at)); // null, or branch 1 and the symbol
    } catch (cause) {
      throw bodyError(codec.name, buf, cause);
    }
    return event.k8s === null ? { event, layout: { value: buf, enrichmentAt: at, enrichmentEnd: end } } : undefined;
  };
  const ordinary = avroDecoder(codec);
  return fastPathDecoder<RawEvent>(match, fast, (msg, topic) => {
    const e = ordinary(msg, topic);
    return e instanceof Promise ? e.then(whole) : whole(e);
  });
}
