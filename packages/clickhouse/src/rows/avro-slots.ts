import type avro from 'avsc';

/**
 * Where each field of an Avro body starts, found in one pass over its bytes without decoding a
 * value: the Native encoder then copies strings straight from the body (Avro and Native both
 * write a string as varint length + UTF-8) and reads numbers where they lie, instead of building
 * an object per record and a JS string per field (bench/sink-kafka.ts). Every field reachable
 * through records and `["null", T]` unions has a slot, named by its dot path (`process.ns.mnt`);
 * arrays and maps are leaves. A slot holds the position of the field's value (after the union's
 * branch index), or -1 when the field or a record around it is null.
 */

/** A varint read: its value as two 32-bit halves after zigzag decoding, and the position after it. */
export class Varint {
  /** Low 32 bits (unsigned). */
  lo = 0;
  /** High 32 bits (signed: the sign of the 64-bit value). */
  hi = 0;
  next = 0;

  /** Reads the zigzag varint at `p` (at most 10 bytes); throws when it runs past the body. */
  read(buf: Buffer, p: number): this {
    let lo = 0;
    let b: number;
    const end = buf.length;
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) throw new AvroBodyError('the record is truncated');
      b = buf[p++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, 0, p);
    }
    if (p >= end) throw new AvroBodyError('the record is truncated');
    b = buf[p++]!;
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >>> 4;
    if (b < 0x80) return this.set(lo, hi, p);
    for (let shift = 3; shift < 32; shift += 7) {
      if (p >= end) throw new AvroBodyError('the record is truncated');
      b = buf[p++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, hi, p);
    }
    throw new AvroBodyError('a varint is longer than 10 bytes');
  }

  private set(lo: number, hi: number, next: number): this {
    // zigzag: (n >>> 1) ^ -(n & 1) over 64 bits
    const mask = -(lo & 1);
    this.lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
    this.hi = ((hi >>> 1) ^ mask) | 0;
    this.next = next;
    return this;
  }

  /** The value at `p` as a number (exact up to 2^53 in magnitude), `next` set: the one- and two-byte forms (lengths, counts, indexes, small ints) read inline. */
  num(buf: Buffer, p: number): number {
    const b0 = buf[p];
    if (b0 !== undefined && b0 < 0x80) {
      this.next = p + 1;
      return (b0 >>> 1) ^ -(b0 & 1);
    }
    const b1 = buf[p + 1];
    if (b0 !== undefined && b1 !== undefined && b1 < 0x80) {
      const n = (b0 & 0x7f) | (b1 << 7);
      this.next = p + 2;
      return (n >>> 1) ^ -(n & 1);
    }
    return this.read(buf, p).value;
  }

  /** The value of the last read as a number (exact up to 2^53 in magnitude). */
  get value(): number {
    return this.hi * 0x1_0000_0000 + this.lo;
  }
}

/** Why an Avro body could not be read. */
export class AvroBodyError extends Error {}

const v = new Varint();

/** Reads a string's length at `p` and checks its bytes lie in the body: the position of its first byte is v.next. */
export function stringAt(buf: Buffer, p: number): number {
  const len = v.num(buf, p);
  if (len < 0 || v.next + len > buf.length) throw new AvroBodyError('the record is truncated');
  return len;
}

/** The shared varint reader (one per thread: readers are synchronous). */
export const varint = v;

type Skip = (buf: Buffer, p: number) => number;
type Walk = (buf: Buffer, p: number, out: Int32Array, base: number) => number;

/** The item count of an array or map block at `p` (v.next after it, past a byte size if the count was negative). */
export function blockCount(buf: Buffer, p: number): number {
  let n = v.num(buf, p);
  if (n < 0) {
    n = -n;
    v.read(buf, v.next);
  }
  return n;
}

/** The branch type of `["null", T]`, else undefined. */
export function nullableBranch(type: avro.Type): avro.Type | undefined {
  const types = (type as avro.types.UnwrappedUnionType).types;
  return type.typeName === 'union:unwrapped' && types.length === 2 && types[0]!.typeName === 'null' ? types[1] : undefined;
}

/** The type under a logical type (e.g. timestamp-nanos → long). */
export const underlying = (type: avro.Type): avro.Type => (type as avro.types.LogicalType).underlyingType ?? type;

/** The Avro type name of what is on the wire: a logical type's underlying type, a custom long (abstract:long) as long. */
export function wireKind(type: avro.Type): string {
  const name = underlying(type).typeName;
  return name === 'abstract:long' ? 'long' : name;
}

/** A function moving past one value of `type`. */
export function skipper(type: avro.Type): Skip {
  const t = underlying(type);
  switch (wireKind(t)) {
    case 'null':
      return (_b, p) => p;
    case 'boolean':
      return (b, p) => {
        if (p >= b.length) throw new AvroBodyError('the record is truncated');
        return p + 1;
      };
    case 'int':
    case 'long':
      return (b, p) => {
        v.num(b, p);
        return v.next;
      };
    case 'float':
    case 'double': {
      const size = t.typeName === 'float' ? 4 : 8;
      return (b, p) => {
        if (p + size > b.length) throw new AvroBodyError('the record is truncated');
        return p + size;
      };
    }
    case 'string':
    case 'bytes':
      return (b, p) => {
        const len = stringAt(b, p);
        return v.next + len;
      };
    case 'fixed': {
      const size = (t as avro.types.FixedType).size;
      return (b, p) => {
        if (p + size > b.length) throw new AvroBodyError('the record is truncated');
        return p + size;
      };
    }
    case 'enum': {
      const symbols = (t as avro.types.EnumType).symbols.length;
      return (b, p) => {
        const i = v.num(b, p);
        if (i < 0 || i >= symbols) throw new AvroBodyError(`enum ${t.name} index ${i} out of range`);
        return v.next;
      };
    }
    case 'array':
    case 'map': {
      const item = skipper(t.typeName === 'array' ? (t as avro.types.ArrayType).itemsType : (t as avro.types.MapType).valuesType);
      const isMap = t.typeName === 'map';
      return (b, p) => {
        for (;;) {
          const n = blockCount(b, p);
          p = v.next;
          if (n === 0) return p;
          for (let i = 0; i < n; i++) {
            if (isMap) p = stringAt(b, p) + v.next;
            p = item(b, p);
          }
        }
      };
    }
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (t as avro.types.UnwrappedUnionType).types.map(skipper);
      return (b, p) => {
        const i = v.num(b, p);
        const branch = branches[i];
        if (!branch) throw new AvroBodyError(`union branch ${i} out of range`);
        return branch(b, v.next);
      };
    }
    case 'record':
    case 'error': {
      const fields = (t as avro.types.RecordType).fields.map((f) => skipper(f.type));
      return (b, p) => {
        for (let i = 0; i < fields.length; i++) p = fields[i]!(b, p);
        return p;
      };
    }
    default:
      throw new Error(`no Avro reader for type ${wireKind(t)}`);
  }
}

/** A slotted field: its index in a row's slots and the type of its value (a nullable field's branch). */
export interface Slot {
  index: number;
  type: avro.Type;
}

/** The slots of a record type and the one pass that fills them. */
export class AvroSlots {
  private readonly byPath = new Map<string, Slot>();
  private readonly walk: Walk;

  constructor(readonly type: avro.Type) {
    this.walk = this.record(type, '');
  }

  /** Slots per body. */
  get width(): number {
    return this.byPath.size;
  }

  /** The slot of a dot path; throws naming it when the schema has no such field. */
  slot(path: string): Slot {
    const s = this.byPath.get(path);
    if (!s) throw new Error(`${this.type.name ?? 'the record'} has no field ${path}`);
    return s;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /**
   * The slots of each body, body i's at i × width, read from `start` on (bytes before it, such
   * as a Confluent header, are not the body's); positions are the buffer's own. Throws an
   * AvroBodyError naming the body (`row`) when one is truncated, has trailing bytes, or a union
   * or enum index out of range.
   */
  index(bodies: readonly Buffer[], start = 0): Int32Array {
    const w = this.width;
    const out = new Int32Array(bodies.length * w).fill(-1);
    for (let r = 0; r < bodies.length; r++) {
      const buf = bodies[r]!;
      let end: number;
      try {
        end = this.walk(buf, start, out, r * w);
      } catch (err) {
        if (err instanceof AvroBodyError) throw Object.assign(err, { row: r });
        throw err;
      }
      if (end !== buf.length) throw Object.assign(new AvroBodyError(`${buf.length - end} bytes of trailing data`), { row: r });
    }
    return out;
  }

  private record(type: avro.Type, prefix: string): Walk {
    const walks = (type as avro.types.RecordType).fields.map((f) => {
      const path = prefix ? `${prefix}.${f.name}` : f.name;
      const branch = nullableBranch(f.type);
      const valueType = branch ?? f.type;
      const index = this.byPath.size;
      this.byPath.set(path, { index, type: valueType });
      // A skipper is a walk that fills no slot.
      const inner: Walk = valueType.typeName === 'record' ? this.record(valueType, path) : skipper(valueType);
      if (!branch) {
        return ((b, p, out, base) => {
          out[base + index] = p;
          return inner(b, p, out, base);
        }) satisfies Walk;
      }
      return ((b, p, out, base) => {
        const i = v.num(b, p);
        if (i === 0) return v.next;
        if (i !== 1) throw new AvroBodyError(`union branch ${i} of ${path} out of range`);
        out[base + index] = v.next;
        return inner(b, v.next, out, base);
      }) satisfies Walk;
    });
    return (b, p, out, base) => {
      for (let i = 0; i < walks.length; i++) p = walks[i]!(b, p, out, base);
      return p;
    };
  }
}
