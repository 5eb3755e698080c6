import type avro from 'avsc';
import { TracehoundError, isTracehoundError } from '@tracehound/errors';
import { eventBodyColumns, type EventBodyRecord, type NativeBlockColumns } from '@tracehound/clickhouse';
import { CONFLUENT_HEADER, SchemaMatch, avroDecoder, bodyError, decodeAt, fastPathDecoder, fieldsOf, type ConsumedRecord, type Decoder, type SchemaSource } from '@tracehound/kafka';
import type { Event, RecordCodec } from '@tracehound/schemas';

/**
 * An event kept as its Avro body in this build's schema until its rows are encoded: what the
 * consumer reads of it meanwhile is its time (for the retention check). `body` is the whole
 * Kafka record value, the body after its CONFLUENT_HEADER bytes: a view of the body alone would
 * be one more object per event, held until the event is stored.
 */
export class DeferredEvent {
  constructor(readonly ts: bigint, readonly body: Buffer) {}
}

/** The header put before a body written again in this build's schema (the encoder skips it, whatever it holds). */
const NO_HEADER = Buffer.alloc(CONFLUENT_HEADER);

/**
 * Events are not decoded into objects at all: the Native encoder writes the events columns
 * straight from their Avro bodies (eventBodyColumns in @tracehound/clickhouse), decoding only each
 * event's kind-specific block. A decoded event takes kilobytes of heap and a JS string per field;
 * copying the bytes takes neither (bench/sink-kafka.ts). Records written with exactly this build's
 * schema (SchemaMatch) keep their own bytes, read only as far as `ts` when consumed; records of
 * any other schema id are decoded as before (resolving the writer's schema) and written again in
 * this build's. A body that does not read is found when its block is encoded: a TH_ERR_DECODE
 * naming the record (see SinkWriter), which alone is dead-lettered.
 */
export function deferredEvents(codec: RecordCodec<'tracehound.Event'>, registry: SchemaSource): { decode: Decoder<unknown>; columns: NativeBlockColumns<ConsumedRecord<DeferredEvent>, unknown> } {
  const [id, ts] = fieldsOf(codec.type) as [avro.types.Field, avro.types.Field];
  if (id?.name !== 'id' || ts?.name !== 'ts') throw new Error('tracehound.Event must start with id and ts (the sink reads ts before decoding the rest)');
  const ordinary = avroDecoder(codec);
  const rewritten: Decoder<unknown> = (msg, topic) => {
    const value = ordinary(msg, topic);
    const keep = (e: Event) => {
      try {
        return new DeferredEvent(e.ts, Buffer.concat([NO_HEADER, codec.type.toBuffer(e)]));
      } catch (cause) {
        throw new TracehoundError('TH_ERR_DECODE', `tracehound.Event of schema ${msg.value!.readUInt32BE(1)} does not fit this build's schema: ${String(cause)}`, { cause });
      }
    };
    return value instanceof Promise ? value.then(keep) : keep(value);
  };
  const decode = fastPathDecoder<unknown>(new SchemaMatch(codec.type, registry), (buf) => {
    try {
      const afterId = decodeAt<string>(id.type, buf, CONFLUENT_HEADER).offset;
      return new DeferredEvent(decodeAt<bigint>(ts.type, buf, afterId).value, buf);
    } catch (cause) {
      throw bodyError(codec.name, buf, cause);
    }
  }, rewritten);
  const columns = eventBodyColumns(codec.type, CONFLUENT_HEADER);
  return {
    decode,
    columns: {
      writers: columns.writers,
      block(rows) {
        try {
          return columns.block(rows as unknown as EventBodyRecord[]);
        } catch (err) {
          // Named as the consumer names a body that does not decode, with the schema id of its header.
          const record = isTracehoundError(err, 'TH_ERR_DECODE') ? (err.details.record as ConsumedRecord<DeferredEvent> | undefined) : undefined;
          if (!record?.raw.value) throw err;
          const e = bodyError(codec.name, record.raw.value, (err as Error).cause ?? err);
          Object.assign(e.details, { record });
          throw e;
        }
      },
    },
  };
}

/** The record named by a TH_ERR_DECODE from a deferred event's block (the error's cause chain), if any. */
export function undecodableRecord(err: unknown): ConsumedRecord<unknown> | undefined {
  for (let e = err as { cause?: unknown; details?: Record<string, unknown> } | undefined; e; e = e.cause as typeof e) {
    const record = e.details?.record;
    if (record) return record as ConsumedRecord<unknown>;
  }
  return undefined;
}
