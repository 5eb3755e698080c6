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
export type NativeColumnGetters<R> = ReadonlyArray<(row: R) => unknown>;

/** Writes one column's values of a block into that column's streams (see NativeStreams). */
export interface NativeColumnWriter<B> {
  write(streams: NativeStreams, block: B): void;
}

/**
 * Columns that write their own bytes: each chunk of rows (NATIVE_CHUNK_ROWS) is first read once
 * by `block` (e.g. where every field of each record lies), then every column writes the chunk's
 * values from that block, in insertColumns(spec) order.
 */
export interface NativeBlockColumns<R, B> {
  block(rows: readonly R[]): B;
  readonly writers: ReadonlyArray<NativeColumnWriter<B>>;
}

/** How the encoder reads a table's columns from records of type R. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the block type is private to each NativeBlockColumns
export type NativeColumns<R> = NativeColumnGetters<R> | NativeBlockColumns<R, any>;

/** The wire type of a column: LowCardinality is the engine's storage, not the payload's. */
export const wireType = (type: string) => type.replaceAll('LowCardinality(String)', 'String');

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

/** The fixed-width integer wire types: size, range, and how one value is put at a position. */
const INTEGERS: Record<string, { size: number; min: number; max: number; put: (b: Buffer, x: number, at: number) => void }> = {
  UInt8: { size: 1, min: 0, max: 0xff, put: (b, x, at) => void (b[at] = x) },
  UInt16: { size: 2, min: 0, max: 0xffff, put: u16 },
  UInt32: { size: 4, min: 0, max: 0xffff_ffff, put: u32 },
  Int32: { size: 4, min: -0x8000_0000, max: 0x7fff_ffff, put: u32 },
};

/** A fixed-width integer column; each value is range-checked before it is put. */
function integer(type: string): ColumnWriter {
  const { size, min, max, put } = INTEGERS[type]!;
  return (w, rows, get) => {
    w.ensure(size * rows.length);
    const b = w.buf;
    let at = w.pos;
    for (let r = 0; r < rows.length; r++, at += size) put(b, checked(get(rows[r]!), min, max, type), at);
    w.pos = at;
  };
}

/** Appends one value of a fixed-width integer wire type (range-checked), or undefined for other types. */
export function integerWriter(type: string): ((w: NativeWriter, x: number) => void) | undefined {
  const int = INTEGERS[type];
  if (!int) return undefined;
  const { size, min, max, put } = int;
  return (w, x) => {
    w.ensure(size);
    put(w.buf, checked(x, min, max, type), w.pos);
    w.pos += size;
  };
}

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
  UInt8: integer('UInt8'),
  UInt16: integer('UInt16'),
  UInt32: integer('UInt32'),
  Int32: integer('Int32'),
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
 * of a column has a stream of its own, joined when the block is complete. A NativeColumnWriter
 * writes into parts() itself: for Array(T) and Map(String, V), parts()[0] holds the cumulative
 * UInt64 end offsets (lastOffset), then come the streams of T, or of the keys and the values.
 */
export interface NativeStreams {
  /** Appends the values `get` reads from `rows`. */
  append<R>(rows: readonly R[], get: (row: R) => unknown): void;
  /** The streams in payload order. */
  parts(): NativeWriter[];
  reset(): void;
}

const STREAM_BYTES = 64 * 1024;

/** The last end offset written to an Array or Map column's offsets stream (0 before the first row). */
export function lastOffset(offsets: NativeWriter): number {
  return offsets.pos === 0 ? 0 : offsets.buf.readUInt32LE(offsets.pos - 8) + offsets.buf.readUInt32LE(offsets.pos - 4) * 0x1_0000_0000;
}

/** A scalar column: one stream. */
function scalarStreams(write: ColumnWriter): NativeStreams {
  const out = new NativeWriter(STREAM_BYTES);
  return { append: (rows, get) => write(out, rows, get), parts: () => [out], reset: () => void (out.pos = 0) };
}

/** Array(T) and Map(String, V) (= Array(Tuple(String, V))): cumulative UInt64 end offsets, then the element streams. */
function nestedStreams(elements: NativeStreams[], gather: (v: unknown, lists: unknown[][]) => number): NativeStreams {
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
function streamsFor(type: string): NativeStreams {
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
  /** Each column's streams, reused by the payloads of the table one at a time (a payload's parts are views of them until sent). */
  columns: NativeStreams[];
  /** Whether a payload is being written into `columns` (an encoding that yields may be under way). */
  inUse: boolean;
  /** Settles when the yielding encodings queued so far are done: they take turns with the shared streams. */
  queue: Promise<void>;
  /** Reads column i of a row given as an array in insertColumns order. */
  byIndex: NativeColumnGetters<readonly unknown[]>;
}
const layouts = new WeakMap<TableSpec, Layout>();
function layoutOf(spec: TableSpec): Layout {
  let l = layouts.get(spec);
  if (!l) {
    const types = insertedColumns(spec).map((c) => wireType(c.type));
    l = { names: insertColumns(spec), types, columns: types.map(streamsFor), inUse: false, queue: Promise.resolve(), byIndex: types.map((_, i) => (row: readonly unknown[]) => row[i]) };
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
  const lease = takeStreams(l);
  try {
    const steps = encodeSteps(spec, l, lease.streams, rows, columns, chunkRows);
    for (;;) {
      const step = steps.next();
      if (step.done) return Buffer.concat(step.value);
    }
  } finally {
    lease.release();
  }
}

/**
 * The same block as encodeNative, giving the event loop a turn after every chunk: a 20,000-row
 * payload takes ~0.1 s of CPU, which would otherwise hold up everything else on the thread (the
 * API and its alert stream, when the sink shares their process).
 */
export function encodeNativeYielding<R>(spec: TableSpec, rows: readonly R[], columns?: NativeColumns<R>, chunkRows = NATIVE_CHUNK_ROWS): Promise<Buffer> {
  return withNativePayload(spec, rows, columns, async (parts) => Buffer.concat(parts), chunkRows);
}

/**
 * Encodes `rows` as encodeNativeYielding does and hands `send` the payload as its parts, in
 * order: views of the table's column streams, never joined into one buffer (a payload of 20,000
 * events is ~17 MiB; joined, every insert allocated that much outside the JS heap, and V8 counts
 * such allocations towards its next full collection: in the all-in-one process most of the main
 * thread's full collections were started by that external-memory pressure). The views hold
 * until `send` settles; the table's next payload waits for it.
 */
export async function withNativePayload<R, T>(spec: TableSpec, rows: readonly R[], columns: NativeColumns<R> | undefined, send: (parts: Buffer[]) => Promise<T>, chunkRows = NATIVE_CHUNK_ROWS): Promise<T> {
  // One at a time per table, as synchronous encodings were: each reuses the table's grown streams
  // (streams of its own, grown from empty for every payload, cost the sink ~30 % more CPU per row).
  const l = layoutOf(spec);
  const before = l.queue;
  let done!: () => void;
  l.queue = new Promise<void>((resolve) => (done = resolve));
  await before;
  const lease = takeStreams(l);
  try {
    const steps = encodeSteps(spec, l, lease.streams, rows, columns, chunkRows);
    for (;;) {
      const step = steps.next();
      if (step.done) return await send(step.value);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    lease.release();
    done();
  }
}

/** The streams a payload is written into: the table's own while no other payload holds them (until `release`), else streams of its own. */
function takeStreams(l: Layout): { streams: NativeStreams[]; release(): void } {
  if (l.inUse) return { streams: l.types.map(streamsFor), release: () => undefined };
  l.inUse = true;
  return { streams: l.columns, release: () => void (l.inUse = false) };
}

/** Writes one chunk per step into `streams` and returns the payload's parts: the block header and each column's name, type and streams. */
function* encodeSteps<R>(spec: TableSpec, l: Layout, streams: NativeStreams[], rows: readonly R[], columns: NativeColumns<R> | undefined, chunkRows: number): Generator<void, Buffer[]> {
  const read = (columns ?? l.byIndex) as NativeColumns<R>;
  const blocks = 'writers' in read ? read : undefined;
  const count = blocks ? blocks.writers.length : (read as NativeColumnGetters<R>).length;
  if (count !== l.names.length) throw new Error(`${spec.name}: ${count} column readers for ${l.names.length} columns`);
  for (const c of streams) c.reset();
  for (let first = 0; first < rows.length; first += chunkRows) {
    const chunk = rows.length <= chunkRows ? rows : rows.slice(first, first + chunkRows);
    if (blocks) {
      const block: unknown = blocks.block(chunk);
      for (let i = 0; i < streams.length; i++) blocks.writers[i]!.write(streams[i]!, block);
    } else {
      const getters = read as NativeColumnGetters<R>;
      for (let i = 0; i < streams.length; i++) streams[i]!.append(chunk, getters[i]!);
    }
    if (first + chunkRows < rows.length) yield;
  }
  // The headers go into one small buffer sized for them up front (so it never moves); the parts are views.
  let size = 10;
  for (let i = 0; i < streams.length; i++) size += 2 * 5 + 3 * (l.names[i]!.length + l.types[i]!.length);
  const head = new NativeWriter(size);
  head.varint(l.names.length);
  head.varint(rows.length);
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < streams.length; i++) {
    head.string(l.names[i]!);
    head.string(l.types[i]!);
    parts.push(head.buf.subarray(from, head.pos));
    from = head.pos;
    for (const part of streams[i]!.parts()) if (part.pos) parts.push(part.buf.subarray(0, part.pos));
  }
  return parts;
}
