import { TracehoundError, errorMessage } from '@tracehound/errors';
import { avroType, type RecordName } from './avro-types.js';
import type { RecordTypes } from './codec.js';

/**
 * The JSON form of records, for JSON-lines output, rule test files and the API: the same field
 * names as the Avro schema, nanosecond timestamps as decimal strings (JSON numbers lose
 * precision past 2^53).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A plain object with nanosecond fields as strings, ready for JSON.stringify or a template. */
export function toPlain<T>(value: T): unknown {
  return JSON.parse(toJson(value));
}

/**
 * Reads a record from its JSON form: fills schema defaults for absent optional fields, turns
 * nanosecond strings back into bigints, and refuses anything that does not match the schema,
 * naming the field.
 */
export function fromJson<N extends RecordName>(name: N, input: unknown): RecordTypes[N] {
  const type = avroType(name);
  try {
    return type.clone(input) as RecordTypes[N];
  } catch (cause) {
    const paths: string[] = [];
    type.isValid(input, { errorHook: (path) => paths.push(path.join('.')) });
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `not a valid ${name}${paths.length ? ` at ${paths.join(', ')}` : ''}: ${errorMessage(cause)}`, { cause, details: { paths } });
  }
}
