import avro from 'avsc';
import { composeSchema } from './compose.js';

/**
 * `long` with logicalType `timestamp-nanos` maps to a JS bigint, so nanosecond timestamps
 * round-trip exactly (avsc's plain long throws past 2^53). Plain longs stay numbers: ids,
 * inodes and counters fit, and avsc throws rather than lose precision if one ever does not.
 */
const PreciseLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (x: unknown) => BigInt(x as string | number),
  toJSON: (n: bigint) => n.toString(),
  isValid: (n: unknown) => typeof n === 'bigint' && n >= -(2n ** 63n) && n < 2n ** 63n,
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

interface LogicalTypeInternals {
  _underlyingType: avro.Type;
}

export class NanosType extends avro.types.LogicalType {
  constructor(schema: avro.Schema, opts?: avro.ForSchemaOptions) {
    super(schema, opts);
    (this as unknown as LogicalTypeInternals)._underlyingType = PreciseLong;
  }
  protected override _fromValue(v: bigint): bigint {
    return v;
  }
  protected override _toValue(v: unknown): bigint | undefined {
    if (typeof v === 'bigint') return v;
    // Whole numbers are accepted on write, e.g. Date.now() * 1e6 when precision is not at stake.
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    // Decimal strings are how JSON carries nanoseconds (see json.ts).
    if (typeof v === 'string' && /^-?[0-9]{1,19}$/.test(v)) return BigInt(v);
    return undefined;
  }
  protected override _resolve(type: avro.Type): ((v: unknown) => unknown) | undefined {
    if (type instanceof NanosType) return (v) => v;
    return undefined;
  }
}

/** Options for avsc wherever a Tracehound schema is parsed (also by the registry client). avsc adds a
 * `registry` to the options it is given: always pass a copy. */
export const AVRO_OPTIONS: Partial<avro.ForSchemaOptions> = {
  logicalTypes: { 'timestamp-nanos': NanosType },
  // Wrapped unions would make every nullable field an object; plain values read better in rules.
  wrapUnions: false,
};

export const RECORD_NAMES = ['tracehound.Event', 'tracehound.Alert', 'tracehound.Delivery'] as const;
export type RecordName = (typeof RECORD_NAMES)[number];

const cache = new Map<RecordName, avro.Type>();

/** The composed avsc type of a top-level record. */
export function avroType(name: RecordName): avro.Type {
  let t = cache.get(name);
  if (!t) {
    t = avro.Type.forSchema(composeSchema(name) as avro.Schema, { ...AVRO_OPTIONS });
    cache.set(name, t);
  }
  return t;
}
