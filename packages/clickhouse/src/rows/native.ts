import { insertColumns, insertedColumns, type TableSpec } from '../schema/table.js';
import { NativeWriter } from './native-writer.js';

/**
 * ClickHouse's Native input format written column by column straight from the source records:
 * one block, `varint columns, varint rows`, then per column its name, its type and its values
 * (strings as varint length + UTF-8, numbers little-endian, Array as cumulative UInt64 offsets
 * then the flattened elements, Map as Array(Tuple(key, value)): offsets, keys, values). Each
 * column's values are read from the rows by that column's function (NativeColumns), so no array
 * or object per row is built. LowCardinality columns are sent as plain String (the INSERT …
 * SELECT casts them); DateTime64(9) values are bigint nanoseconds, 64-bit integers any integral
 * number, bigint or decimal string. A value out of its column's range is refused (RangeError),
 * never wrapped. Round-trip against JSONCompactEachRow and the engine's own bytes: test/native.test.ts.
 */

/** One function per column, in insertColumns(spec) order: the column's value of a row. */
export type NativeColumns<R> = ReadonlyArray<(row: R) => unknown>;

/** The wire type of a column: LowCardinality is the engine's storage, not the payload's. */
const wireType = (type: string) => type.replaceAll('LowCardinality(String)', 'String');

/** `name Type, …` of the Native payload of a table (LowCardinality as String): how file() reads it. */
export function nativeStructure(spec: TableSpec): string {
  return insertedColumns(spec).map((c) => `${c.name} ${wireType(c.type)}`).join(', ');
}

/** Writes one column: the values `get` reads from each of `rows`. */
type ColumnWriter = <R>(w: NativeWriter, rows: readonly R[], get: (row: R) => unknown) => void;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
function checked(v: unknown, min: number, max: number, type: string): number {
  const x = num(v);
  if (!(x >= min && x <= max)) throw new RangeError(`${type} value out of range: ${String(v)}`);
  return x;
}

/** A fixed-width integer column; each value is range-checked before `put` writes it at `at`. */
const integer = (size: number, min: number, max: number, type: string, put: (b: Buffer, x: number, at: number) => void): ColumnWriter => (w, rows, get) => {
  w.ensure(size * rows.length);
  const b = w.buf;
  let at = w.pos;
  for (let r = 0; r < rows.length; r++, at += size) put(b, checked(get(rows[r]!), min, max, type), at);
  w.pos = at;
};
const u16 = (b: Buffer, x: number, at: number) => {
  b[at] = x;
  b[at + 1] = x >>> 8;
};
const u32 = (b: Buffer, x: number, at: number) => {
  b[at] = x;
  b[at + 1] = x >>> 8;
  b[at + 2] = x >>> 16;
  b[at + 3] = x >>> 24;
};

const SCALARS: Record<string, ColumnWriter> = {
  String: (w, rows, get) => {
    for (let r = 0; r < rows.length; r++) {
      const v = get(rows[r]!);
      w.string(typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
    }
  },
  Bool: (w, rows, get) => {
    w.ensure(rows.length);
    for (let r = 0; r < rows.length; r++) w.buf[w.pos++] = get(rows[r]!) ? 1 : 0;
  },
  UInt8: integer(1, 0, 0xff, 'UInt8', (b, x, at) => void (b[at] = x)),
  UInt16: integer(2, 0, 0xffff, 'UInt16', u16),
  UInt32: integer(4, 0, 0xffff_ffff, 'UInt32', u32),
  Int32: integer(4, -0x8000_0000, 0x7fff_ffff, 'Int32', u32),
  UInt64: (w, rows, get) => {
    w.ensure(8 * rows.length);
    for (let r = 0; r < rows.length; r++) w.uint64(get(rows[r]!));
  },
  Int64: (w, rows, get) => {
    w.ensure(8 * rows.length);
    for (let r = 0; r < rows.length; r++) w.int64(get(rows[r]!));
  },
};
SCALARS["DateTime64(9, 'UTC')"] = SCALARS.Int64!;

const identity = (v: unknown) => v;

/** Writes the cumulative UInt64 end offset of each row's elements; `gather` adds a row's elements to the caller's lists. */
function offsets<R>(w: NativeWriter, rows: readonly R[], get: (row: R) => unknown, gather: (v: unknown) => number): void {
  w.ensure(8 * rows.length);
  let end = 0;
  for (let r = 0; r < rows.length; r++) {
    end += gather(get(rows[r]!));
    w.uint64(end);
  }
}

const writers = new Map<string, ColumnWriter>();

/** The writer of one (wire) type, built from its nested types and kept. */
function writerFor(type: string): ColumnWriter {
  const known = writers.get(type) ?? SCALARS[type];
  if (known) return known;
  let made: ColumnWriter;
  const array = /^Array\((.*)\)$/.exec(type);
  const map = /^Map\(String, (.*)\)$/.exec(type);
  if (array) {
    const inner = writerFor(array[1]!);
    made = (w, rows, get) => {
      const items: unknown[] = [];
      offsets(w, rows, get, (v) => {
        const l = (v ?? []) as readonly unknown[];
        for (let i = 0; i < l.length; i++) items.push(l[i]);
        return l.length;
      });
      inner(w, items, identity);
    };
  } else if (map) {
    const inner = writerFor(map[1]!);
    const keyWriter = writerFor('String');
    made = (w, rows, get) => {
      const keys: string[] = [];
      const items: unknown[] = [];
      offsets(w, rows, get, (v) => {
        const m = (v ?? {}) as Record<string, unknown>;
        let n = 0;
        for (const k in m) {
          keys.push(k);
          items.push(m[k]);
          n++;
        }
        return n;
      });
      keyWriter(w, keys, identity);
      inner(w, items, identity);
    };
  } else {
    throw new Error(`no Native writer for ClickHouse type ${type}`);
  }
  writers.set(type, made);
  return made;
}

/** Whether every column a writer sends has a Native writer (else use JSONCompactEachRow). */
export function nativeSupported(spec: TableSpec): boolean {
  try {
    for (const c of insertedColumns(spec)) writerFor(wireType(c.type));
    return true;
  } catch {
    return false;
  }
}

interface Layout {
  names: string[];
  types: string[];
  writers: ColumnWriter[];
  /** Reads column i of a row given as an array in insertColumns order. */
  byIndex: NativeColumns<readonly unknown[]>;
  /** Bytes per row of the last payload: the next buffer is sized from it, so it rarely grows (a copy each time). */
  bytesPerRow: number;
}
const layouts = new WeakMap<TableSpec, Layout>();
function layoutOf(spec: TableSpec): Layout {
  let l = layouts.get(spec);
  if (!l) {
    const types = insertedColumns(spec).map((c) => wireType(c.type));
    l = { names: insertColumns(spec), types, writers: types.map(writerFor), byIndex: types.map((_, i) => (row: readonly unknown[]) => row[i]), bytesPerRow: 256 };
    layouts.set(spec, l);
  }
  return l;
}

/**
 * Rows per Native block. A payload is several blocks of this many rows: each block is written
 * column by column, and its records stay in the CPU cache across its columns (one block of
 * 20,000 rows read every record ~76 times from memory and ran at half the rate; bench/sink-insert.ts).
 */
export const NATIVE_BLOCK_ROWS = 512;

/** A Native payload of `rows` (blocks of NATIVE_BLOCK_ROWS): arrays in insertColumns(spec) order, or any records with `columns` to read them. */
export function encodeNative(spec: TableSpec, rows: readonly (readonly unknown[])[]): Buffer;
export function encodeNative<R>(spec: TableSpec, rows: readonly R[], columns: NativeColumns<R>, blockRows?: number): Buffer;
export function encodeNative<R>(spec: TableSpec, rows: readonly R[], columns?: NativeColumns<R>, blockRows = NATIVE_BLOCK_ROWS): Buffer {
  const l = layoutOf(spec);
  const read = (columns ?? l.byIndex) as NativeColumns<R>;
  if (read.length !== l.names.length) throw new Error(`${spec.name}: ${read.length} column readers for ${l.names.length} columns`);
  const w = new NativeWriter(Math.ceil(rows.length * l.bytesPerRow * 1.2) + 4096);
  for (let first = 0; first < rows.length || first === 0; first += blockRows) {
    const block = first === 0 && rows.length <= blockRows ? rows : rows.slice(first, first + blockRows);
    w.varint(l.names.length);
    w.varint(block.length);
    for (let i = 0; i < l.names.length; i++) {
      w.string(l.names[i]!);
      w.string(l.types[i]!);
      l.writers[i]!(w, block, read[i]!);
    }
  }
  if (rows.length) l.bytesPerRow = w.pos / rows.length;
  return w.buf.subarray(0, w.pos);
}
