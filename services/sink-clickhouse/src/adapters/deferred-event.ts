import type avro from 'avsc';
import { withPrepare, type NativeColumns } from '@tracehound/clickhouse';
import { CONFLUENT_HEADER, SchemaMatch, avroDecoder, bodyError, decodeAt, fastPathDecoder, fieldsOf, type ConsumedRecord, type Decoder, type SchemaSource } from '@tracehound/kafka';
import type { RecordCodec } from '@tracehound/schemas';

/**
 * An event whose Avro body is decoded only when its rows are encoded: what the consumer keeps of
 * it meanwhile is its time (for the retention check) and the raw message it already holds.
 */
export class DeferredEvent {
  constructor(readonly ts: bigint) {}
}

/**
 * Events written with exactly this build's schema are decoded block by block as the Native
 * encoder writes them, not when consumed: a decoded event takes kilobytes of heap, and held from
 * the fetch until its insert holds, every one of them outlived the young generation and was
 * copied and marked again by the garbage collector (bench/sink-kafka.ts: process CPU per row and
 * peak heap, deferred against decoded at consumption). Decoded per block, they die young.
 * Records of any other schema id are decoded at once, as before; a body that does not decode is
 * found when its block is encoded (a TH_ERR_DECODE naming the record, see SinkWriter).
 */
export function deferredEvents(codec: RecordCodec<'tracehound.Event'>, registry: SchemaSource, columns: NativeColumns<never>): { decode: Decoder<unknown>; columns: NativeColumns<never> } {
  const [id, ts] = fieldsOf(codec.type) as [avro.types.Field, avro.types.Field];
  if (id?.name !== 'id' || ts?.name !== 'ts') throw new Error('tracehound.Event must start with id and ts (the sink reads ts before decoding the rest)');
  const ordinary = avroDecoder(codec) as Decoder<unknown>;
  const decode = fastPathDecoder<unknown>(new SchemaMatch(codec.type, registry), (buf) => {
    try {
      const afterId = decodeAt<string>(id.type, buf, CONFLUENT_HEADER).offset;
      return new DeferredEvent(decodeAt<bigint>(ts.type, buf, afterId).value);
    } catch (cause) {
      throw bodyError(codec.name, buf, cause);
    }
  }, ordinary);
  const prepare = (rows: readonly ConsumedRecord<unknown>[]) =>
    rows.map((r) => {
      if (!(r.value instanceof DeferredEvent)) return r;
      const buf = r.raw.value!;
      try {
        return { ...r, value: codec.type.fromBuffer(buf.subarray(CONFLUENT_HEADER)) as unknown };
      } catch (cause) {
        const err = bodyError(codec.name, buf, cause);
        Object.assign(err.details, { record: r });
        throw err;
      }
    });
  return { decode, columns: withPrepare(columns as NativeColumns<ConsumedRecord<unknown>>, prepare) as NativeColumns<never> };
}

/** The record named by a TH_ERR_DECODE from a deferred event's block (the error's cause chain), if any. */
export function undecodableRecord(err: unknown): ConsumedRecord<unknown> | undefined {
  for (let e = err as { cause?: unknown; details?: Record<string, unknown> } | undefined; e; e = e.cause as typeof e) {
    const record = e.details?.record;
    if (record) return record as ConsumedRecord<unknown>;
  }
  return undefined;
}
