/** Bytes of the LEB128 varint of a non-negative length. */
const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5);

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = 2n ** 64n - 1n;
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

function bigOf(v: unknown, type: string): bigint {
  try {
    return BigInt(v as bigint | number | string);
  } catch (err) {
    throw new RangeError(`${type} value is not an integer: ${String(v)}`, { cause: err });
  }
}

/**
 * The growing byte buffer a Native block is written into. Strings are written in place (no Buffer
 * per value, no concat): short ASCII ones byte by byte, others by one UTF-8 write; 64-bit values
 * from safe-integer numbers without a BigInt, from bigints through a DataView (no BigInt
 * arithmetic per value).
 */
export class NativeWriter {
  buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Room for `n` more bytes (doubling, one copy each time). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  varint(v: number): void {
    this.ensure(10);
    this.varintAt(v, this.pos);
    this.pos += varintSize(v);
  }

  private varintAt(v: number, at: number): void {
    const buf = this.buf;
    while (v >= 0x80) {
      buf[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[at] = v;
  }

  string(s: string): void {
    const len = s.length;
    if (len < 48) {
      // Most values are short ASCII: copied byte by byte, cheaper than a native call per string.
      this.ensure(len * 3 + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = p;
        return;
      }
    }
    // One UTF-8 write after room for the length of an all-ASCII string; the bytes move only when
    // multi-byte characters make the length's varint longer.
    this.ensure(len * 3 + 5);
    const head = varintSize(len);
    const n = this.buf.write(s, this.pos + head, 'utf8');
    const need = varintSize(n);
    if (need !== head) this.buf.copyWithin(this.pos + need, this.pos + head, this.pos + head + n);
    this.varintAt(n, this.pos);
    this.pos += need + n;
  }

  /** UInt64 LE of a non-negative integer (number, bigint or decimal string); the caller ensured 8 bytes. */
  uint64(v: unknown): void {
    if (typeof v === 'string') v = decimal(v);
    if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
      const lo = v % TWO_32;
      this.u32(lo, this.pos);
      this.u32((v - lo) / TWO_32, this.pos + 4);
    } else {
      const b = v === null || v === undefined ? 0n : bigOf(v, 'UInt64');
      if (b < 0n || b > MAX_U64) throw new RangeError(`UInt64 value out of range: ${b}`);
      this.view.setBigUint64(this.pos, b, true);
    }
    this.pos += 8;
  }

  /** Int64 LE (DateTime64 nanoseconds too) of an integer number, bigint or decimal string; the caller ensured 8 bytes. */
  int64(v: unknown): void {
    if (typeof v === 'bigint') {
      if (v < MIN_I64 || v > MAX_I64) throw new RangeError(`Int64 value out of range: ${v}`);
      this.view.setBigInt64(this.pos, v, true);
    } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const hi = Math.floor(v / TWO_32);
      this.u32(v - hi * TWO_32, this.pos);
      this.u32(hi >>> 0, this.pos + 4);
    } else {
      return this.int64(v === null || v === undefined ? 0n : bigOf(v, 'Int64'));
    }
    this.pos += 8;
  }

  private u32(x: number, at: number): void {
    const b = this.buf;
    b[at] = x;
    b[at + 1] = x >>> 8;
    b[at + 2] = x >>> 16;
    b[at + 3] = x >>> 24;
  }
}

/** A short decimal string (a Kafka offset) as a number without making a BigInt; anything else stays a string. */
function decimal(s: string): number | string {
  if (s.length === 0 || s.length > 15) return s;
  let x = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return s;
    x = x * 10 + d;
  }
  return x;
}
