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

/**
 * One function per column, in insertColumns(spec) order: the column's value of a row. With
 * `prepare`, each block of rows (NATIVE_CHUNK_ROWS) is first turned into what the functions read,
 * and dropped once written: values decoded there die young instead of being held by every row of
 * a payload (see withPrepare).
 */
export type NativeColumns<R> = ReadonlyArray<(row: R) => unknown> & { prepare?(rows: readonly R[]): readonly unknown[] };

/** The same column functions, reading each block of rows after `prepare`. */
export function withPrepare<R>(columns: NativeColumns<R>, prepare: (rows: readonly R[]) => readonly R[]): NativeColumns<R> {
  return Object.assign([...columns], { prepare });
}

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

/**
 * The bytes of one column of a block, appended to chunk by chunk of rows: a column's values must be
 * contiguous in the block (an Array's offsets of all rows, then all its elements), so each part
 * of a column has a stream of its own, joined when the block is complete.
 */
interface ColumnStreams {
  /** Appends the values `get` reads from `rows`. */
  append<R>(rows: readonly R[], get: (row: R) => unknown): void;
  /** The streams in payload order. */
  parts(): NativeWriter[];
  reset(): void;
}

const STREAM_BYTES = 64 * 1024;

/** A scalar column: one stream. */
function scalarStreams(write: ColumnWriter): ColumnStreams {
  const out = new NativeWriter(STREAM_BYTES);
  return { append: (rows, get) => write(out, rows, get), parts: () => [out], reset: () => void (out.pos = 0) };
}

/** Array(T) and Map(String, V) (= Array(Tuple(String, V))): cumulative UInt64 end offsets, then the element streams. */
function nestedStreams(elements: ColumnStreams[], gather: (v: unknown, lists: unknown[][]) => number): ColumnStreams {
  const offsets = new NativeWriter(STREAM_BYTES);
  let end = 0;
  return {
    append(rows, get) {
      const lists: unknown[][] = elements.map(() => []);
      offsets.ensure(8 * rows.length);
      for (let r = 0; r < rows.length; r++) {
        end += gather(get(rows[r]!), lists);
        offsets.uint64(end);
      }
      for (let i = 0; i < elements.length; i++) elements[i]!.append(lists[i]!, identity);
    },
    parts: () => [offsets, ...elements.flatMap((e) => e.parts())],
    reset() {
      end = 0;
      offsets.pos = 0;
      for (const e of elements) e.reset();
    },
  };
}

/** The streams of one (wire) type, built from its nested types. */
function streamsFor(type: string): ColumnStreams {
  const scalar = SCALARS[type];
  if (scalar) return scalarStreams(scalar);
  const array = /^Array\((.*)\)$/.exec(type);
  if (array) {
    return nestedStreams([streamsFor(array[1]!)], (v, [items]) => {
      const l = (v ?? []) as readonly unknown[];
      for (let i = 0; i < l.length; i++) items!.push(l[i]);
      return l.length;
    });
  }
  const map = /^Map\(String, (.*)\)$/.exec(type);
  if (map) {
    return nestedStreams([streamsFor('String'), streamsFor(map[1]!)], (v, [keys, values]) => {
      const m = (v ?? {}) as Record<string, unknown>;
      let n = 0;
      for (const k in m) {
        keys!.push(k);
        values!.push(m[k]);
        n++;
      }
      return n;
    });
  }
  throw new Error(`no Native writer for ClickHouse type ${type}`);
}

/** Whether every column a writer sends has a Native writer (else use JSONCompactEachRow). */
export function nativeSupported(spec: TableSpec): boolean {
  try {
    for (const c of insertedColumns(spec)) streamsFor(wireType(c.type));
    return true;
  } catch {
    return false;
  }
}

interface Layout {
  names: string[];
  types: string[];
  /** Each column's streams, reused by every payload of the table (encoding is synchronous, and the payload is a copy). */
  columns: ColumnStreams[];
  /** Reads column i of a row given as an array in insertColumns order. */
  byIndex: NativeColumns<readonly unknown[]>;
}
const layouts = new WeakMap<TableSpec, Layout>();
function layoutOf(spec: TableSpec): Layout {
  let l = layouts.get(spec);
  if (!l) {
    const types = insertedColumns(spec).map((c) => wireType(c.type));
    l = { names: insertColumns(spec), types, columns: types.map(streamsFor), byIndex: types.map((_, i) => (row: readonly unknown[]) => row[i]) };
    layouts.set(spec, l);
  }
  return l;
}

/**
 * Rows read per pass over the columns. The columns are read chunk by chunk of this many rows so
 * that a chunk's records stay in the CPU cache across its ~76 columns (all 20,000 records of a
 * chunk per pass: 0.82x; 64 or 4,096: 0.94x; bench/sink-insert.ts table 4); the payload is still
 * one Native block, as the engine inserts one block faster than many small ones (0.85-0.89x, table 2).
 */
export const NATIVE_CHUNK_ROWS = 512;

/** One Native block of `rows`: arrays in insertColumns(spec) order, or any records with `columns` to read them. */
export function encodeNative(spec: TableSpec, rows: readonly (readonly unknown[])[]): Buffer;
export function encodeNative<R>(spec: TableSpec, rows: readonly R[], columns: NativeColumns<R>, chunkRows?: number): Buffer;
export function encodeNative<R>(spec: TableSpec, rows: readonly R[], columns?: NativeColumns<R>, chunkRows = NATIVE_CHUNK_ROWS): Buffer {
  const l = layoutOf(spec);
  const read = (columns ?? l.byIndex) as NativeColumns<R>;
  if (read.length !== l.names.length) throw new Error(`${spec.name}: ${read.length} column readers for ${l.names.length} columns`);
  for (const c of l.columns) c.reset();
  for (let first = 0; first < rows.length; first += chunkRows) {
    const block = rows.length <= chunkRows ? rows : rows.slice(first, first + chunkRows);
    const chunk = (read.prepare ? read.prepare(block) : block) as readonly R[];
    for (let i = 0; i < l.columns.length; i++) l.columns[i]!.append(chunk, read[i]!);
  }
  let size = 32;
  for (let i = 0; i < l.columns.length; i++) {
    size += 2 * 5 + 3 * (l.names[i]!.length + l.types[i]!.length);
    for (const part of l.columns[i]!.parts()) size += part.pos;
  }
  const w = new NativeWriter(size);
  w.varint(l.names.length);
  w.varint(rows.length);
  for (let i = 0; i < l.columns.length; i++) {
    w.string(l.names[i]!);
    w.string(l.types[i]!);
    for (const part of l.columns[i]!.parts()) w.bytes(part);
  }
  return w.buf.subarray(0, w.pos);
}
