import avro from 'avsc';
import { composeSchema } from './compose.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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
  isValid: (n: unknown) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

interface LogicalTypeInternals {
  _underlyingType: avro.Type;
}

/** avsc's cursor over the buffer being read or written (writes past its end are redone larger). */
interface Tap {
  buf: Buffer;
  pos: number;
}

const HALVES = new DataView(new ArrayBuffer(8));

/**
 * Writes a 64-bit long as Avro does (zig-zag, then 7 bits a byte), from its two 32-bit halves:
 * the same bytes as avsc's long with a bigint underneath (PreciseLong), which goes through an
 * 8-byte buffer allocated per value. Events carry several nanosecond timestamps each.
 */
function writeLong64(tap: Tap, v: bigint): void {
  // The halves through an 8-byte view: BigInt arithmetic (asUintN, >>) allocates a BigInt per step.
  HALVES.setBigInt64(0, v, true);
  const lo = HALVES.getUint32(0, true);
  const hi = HALVES.getInt32(4, true);
  const sign = hi >> 31;
  let zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  let zlo = ((lo << 1) ^ sign) >>> 0;
  const buf = tap.buf;
  let pos = tap.pos;
  while (zhi !== 0 || zlo > 0x7f) {
    buf[pos++] = (zlo & 0x7f) | 0x80;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  buf[pos++] = zlo;
  tap.pos = pos;
}

/** Reads what writeLong64 writes (at most 10 bytes; a read past the end leaves the tap invalid, as avsc's). */
function readLong64(tap: Tap): bigint {
  const buf = tap.buf;
  let pos = tap.pos;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let b: number;
  do {
    b = buf[pos++]! & 0xff;
    const bits = b & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else if (shift < 64) hi |= bits << (shift - 32);
    shift += 7;
  } while (b & 0x80); // a value longer than 10 bytes is read to its end, its excess bits dropped (as avsc does)
  tap.pos = pos;
  const neg = lo & 1;
  let vlo = ((lo >>> 1) | (hi << 31)) >>> 0;
  let vhi = hi >>> 1;
  if (neg) {
    vlo = ~vlo >>> 0;
    vhi = ~vhi;
  }
  return (BigInt(vhi | 0) << 32n) | BigInt(vlo);
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
  /** avsc's encoders call this per value; the checks are those of `_toValue` and PreciseLong's isValid (the same bounds). */
  protected _write(tap: Tap, any: unknown): void {
    const v = this._toValue(any);
    if (v === undefined || v < INT64_MIN || v > INT64_MAX) throw new Error(`invalid "long" (timestamp-nanos): ${String(any)}`);
    writeLong64(tap, v);
  }
  protected _read(tap: Tap): bigint {
    return readLong64(tap);
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
