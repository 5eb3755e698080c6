import type avro from 'avsc';
import { TracehoundError, errorMessage } from '@tracehound/errors';

/** Bytes before an Avro body in Confluent wire format (magic byte, 4-byte schema id). */
export const CONFLUENT_HEADER = 5;

/** The fields of an avsc record type. */
export function fieldsOf(type: avro.Type): avro.types.Field[] {
  return (type as avro.types.RecordType).fields;
}

/**
 * The type X of a record's last field when it is `name: ["null", X]` (with the union type), so
 * that its bytes are the record's last bytes; a TH_ERR_SCHEMA naming `who` when it is not.
 */
export function trailingNullable(type: avro.Type, name: string, who: string): { union: avro.Type; branch: avro.Type } {
  const fields = fieldsOf(type);
  const last = fields[fields.length - 1];
  const types = (last?.type as avro.types.UnwrappedUnionType | undefined)?.types;
  if (last?.name !== name || types?.length !== 2 || types[0]!.typeName !== 'null') {
    throw new TracehoundError('TH_ERR_SCHEMA', `${type.name ?? 'the record'} must end with the field ${name}: ["null", …] (${who} relies on it)`);
  }
  return { union: last.type, branch: types[1]! };
}

/**
 * Reads `type` from `buf` at `pos` (avsc's decode, which reports a short buffer as offset -1
 * instead of throwing) and checks that it ends at `end` when given.
 */
export function decodeAt<T>(type: avro.Type, buf: Buffer, pos: number, end?: number, resolver?: avro.Resolver): { value: T; offset: number } {
  const r = type.decode(buf, pos, resolver) as { value: T; offset: number };
  if (r.offset < 0) throw new Error('the record is truncated');
  if (end !== undefined && r.offset !== end) throw new Error(`${end - r.offset} bytes of trailing data`);
  return r;
}

/** A TH_ERR_DECODE for a Confluent-framed value whose body does not decode. */
export function bodyError(name: string, buf: Buffer, cause: unknown): TracehoundError {
  return new TracehoundError('TH_ERR_DECODE', `${name} body does not decode with schema ${buf.readUInt32BE(1)}: ${errorMessage(cause)}`, { cause });
}
