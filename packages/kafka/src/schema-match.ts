import type avro from 'avsc';
import { readSchemaId } from '@tracehound/schemas';
import type { Decoder } from './consumer.js';

/** What SchemaMatch needs of the registry client: its schema by id, as an avsc type. */
export interface SchemaSource {
  getSchema(id: number): Promise<unknown>;
}

/**
 * Which schema ids name exactly this build's type. Records written with such a schema are laid
 * out byte for byte as this build would write them, so a reader may take byte-level short cuts
 * (read a prefix, reuse a block's bytes) instead of decoding and encoding every field. Any other
 * id (an older or newer compatible schema, an unknown id, an unreachable registry) is "no": the
 * caller takes its ordinary decoder, which resolves the schema or reports the error.
 */
export class SchemaMatch {
  private readonly known = new Map<number, boolean>();

  constructor(private readonly type: avro.Type, private readonly registry: SchemaSource) {}

  /** An id known to be this type (e.g. the one this build registered). */
  add(id: number): void {
    this.known.set(id, true);
  }

  /**
   * Whether the Confluent-framed value was written with exactly this type; asks the registry
   * once per id. Throws TH_ERR_DECODE when the value has no Confluent header.
   */
  matches(value: Buffer): boolean | Promise<boolean> {
    const id = readSchemaId(value);
    return this.known.get(id) ?? this.learn(id);
  }

  private async learn(id: number): Promise<boolean> {
    let writer: avro.Type;
    try {
      writer = (await this.registry.getSchema(id)) as avro.Type;
    } catch {
      return false; // not remembered: the ordinary decoder reports why, and a later record asks again
    }
    const same = writer.equals(this.type);
    this.known.set(id, same);
    return same;
  }
}

/**
 * A decoder that reads values written with exactly the matched type by `fast` (which may answer
 * undefined: not this one after all) and every other value, empty ones included, by `ordinary`.
 */
export function fastPathDecoder<T>(match: SchemaMatch, fast: (value: Buffer) => T | undefined, ordinary: Decoder<T>): Decoder<T> {
  return (msg, topic) => {
    const buf = msg.value;
    if (!buf || buf.length === 0) return ordinary(msg, topic);
    const same = match.matches(buf);
    if (same === true) return fast(buf) ?? ordinary(msg, topic);
    if (same === false) return ordinary(msg, topic);
    return same.then((s) => (s ? fast(buf) : undefined) ?? ordinary(msg, topic));
  };
}
