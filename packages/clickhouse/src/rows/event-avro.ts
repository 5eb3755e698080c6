import type avro from 'avsc';
import { TracehoundError } from '@tracehound/errors';
import { avroType } from '@tracehound/schemas';
import { AvroBodyError, AvroSlots, blockCount, skipper, stringAt, underlying, varint, wireKind } from './avro-slots.js';
import { EVENT_BLOCKS, EVENT_COLUMN_SOURCES, type EventSource, type SourceOffset } from './event-row.js';
import { integerWriter, lastOffset, wireType, type NativeBlockColumns, type NativeColumnWriter } from './native.js';
import type { NativeWriter } from './native-writer.js';

/**
 * The `events` columns written straight from Avro bodies of this build's Event schema (no
 * Confluent header): strings copied byte for byte, numbers read where they lie, the same
 * EVENT_SOURCES mapping as the object path and the same bytes (test/event-avro.test.ts). Only the
 * kind-specific block of each event is decoded, for `details`. Strings are stored as the bytes
 * the writer sent (the object path would replace invalid UTF-8 with U+FFFD).
 */
export interface EventBodyRecord extends SourceOffset {
  /** `body` holds the Avro body from the columns' `start` on. */
  value: { body: Buffer };
}

/** A chunk of records read once: their bodies and where each field of each body starts. */
interface EventBlock {
  rows: readonly EventBodyRecord[];
  bodies: Buffer[];
  slots: Int32Array;
  width: number;
}

/** Writes the Avro value at `p` into a column's parts from `base` on; returns the position after it. */
type ValueWriter = (parts: NativeWriter[], buf: Buffer, p: number) => number;
/** Writes the column type's zero into its parts from `base` on. */
type ZeroWriter = (parts: NativeWriter[]) => void;

/** Copies the Avro string at `p` into `w` as a Native string (both are varint length + bytes). */
function copyString(w: NativeWriter, buf: Buffer, p: number): number {
  const len = stringAt(buf, p);
  const start = varint.next;
  if (len < 0x80) {
    w.ensure(len + 1);
    w.buf[w.pos++] = len;
  } else {
    w.varint(len);
    w.ensure(len);
  }
  const out = w.buf;
  let at = w.pos;
  if (len < 32) {
    for (let i = start; i < start + len; i++) out[at++] = buf[i]!;
  } else {
    buf.copy(out, at, start, start + len);
    at += len;
  }
  w.pos = at;
  return start + len;
}

function putU64(w: NativeWriter, lo: number, hi: number): void {
  w.ensure(8);
  const b = w.buf;
  const at = w.pos;
  b[at] = lo;
  b[at + 1] = lo >>> 8;
  b[at + 2] = lo >>> 16;
  b[at + 3] = lo >>> 24;
  b[at + 4] = hi;
  b[at + 5] = hi >>> 8;
  b[at + 6] = hi >>> 16;
  b[at + 7] = hi >>> 24;
  w.pos = at + 8;
}

const ARRAY = /^Array\((.*)\)$/;
const MAP = /^Map\(String, (.*)\)$/;

/** The zero of a wire type: '' / 0 / false, or an empty Array or Map (its end offset repeated). */
function zeroWriter(wire: string, base: number): ZeroWriter {
  if (ARRAY.test(wire) || MAP.test(wire)) return (parts) => putU64(parts[base]!, lastOffset(parts[base]!), 0);
  if (wire === 'UInt64' || wire === 'Int64' || wire.startsWith('DateTime64')) return (parts) => putU64(parts[base]!, 0, 0);
  const int = integerWriter(wire);
  if (int) return (parts) => int(parts[base]!, 0);
  if (wire === 'Bool' || wire === 'String') {
    return (parts) => {
      const w = parts[base]!;
      w.ensure(1);
      w.buf[w.pos++] = 0;
    };
  }
  throw new Error(`no zero for Native type ${wire}`);
}

/** Items of an Avro array or map at `p` (a map's item starts with its key), each handed to `item`, which returns the position after it. */
function eachItem(buf: Buffer, p: number, item: (p: number) => number): { count: number; next: number } {
  let count = 0;
  for (;;) {
    const n = blockCount(buf, p);
    p = varint.next;
    if (n === 0) return { count, next: p };
    for (let i = 0; i < n; i++) p = item(p);
    count += n;
  }
}

/** Writes Avro values of `type` as values of the Native `wire` type, into parts from `base` on. */
function valueWriter(wire: string, type: avro.Type, base: number, what: string): ValueWriter {
  const t = underlying(type);
  const name = wireKind(t);
  const refuse = () => new Error(`${what}: no Native ${wire} from Avro ${name}`);
  const array = ARRAY.exec(wire);
  if (array) {
    if (name !== 'array') throw refuse();
    const item = valueWriter(array[1]!, (t as avro.types.ArrayType).itemsType, base + 1, what);
    return (parts, buf, p) => {
      const { count, next } = eachItem(buf, p, (q) => item(parts, buf, q));
      putU64(parts[base]!, lastOffset(parts[base]!) + count, 0);
      return next;
    };
  }
  const map = MAP.exec(wire);
  if (map) {
    if (name !== 'map') throw refuse();
    const value = valueWriter(map[1]!, (t as avro.types.MapType).valuesType, base + 2, what);
    return (parts, buf, p) => {
      const { count, next } = eachItem(buf, p, (q) => value(parts, buf, copyString(parts[base + 1]!, buf, q)));
      putU64(parts[base]!, lastOffset(parts[base]!) + count, 0);
      return next;
    };
  }
  if (wire === 'String') {
    if (name === 'string') return (parts, buf, p) => copyString(parts[base]!, buf, p);
    if (name === 'enum') {
      const symbols = (t as avro.types.EnumType).symbols.map((s) => Buffer.from(s));
      return (parts, buf, p) => {
        const symbol = symbols[varint.num(buf, p)]!;
        const next = varint.next;
        const w = parts[base]!;
        w.varint(symbol.length);
        w.ensure(symbol.length);
        symbol.copy(w.buf, w.pos);
        w.pos += symbol.length;
        return next;
      };
    }
    throw refuse();
  }
  if (wire === 'Bool') {
    if (name !== 'boolean') throw refuse();
    return (parts, buf, p) => {
      const w = parts[base]!;
      w.ensure(1);
      w.buf[w.pos++] = buf[p] ? 1 : 0;
      return p + 1;
    };
  }
  if (name !== 'int' && name !== 'long') throw refuse();
  if (wire === 'Int64' || wire.startsWith('DateTime64')) {
    return (parts, buf, p) => {
      varint.read(buf, p);
      putU64(parts[base]!, varint.lo, varint.hi);
      return varint.next;
    };
  }
  if (wire === 'UInt64') {
    return (parts, buf, p) => {
      varint.read(buf, p);
      if (varint.hi < 0) throw new RangeError(`UInt64 value out of range: ${varint.value}`);
      putU64(parts[base]!, varint.lo, varint.hi);
      return varint.next;
    };
  }
  const int = integerWriter(wire);
  if (!int) throw refuse();
  return (parts, buf, p) => {
    const x = varint.num(buf, p);
    const next = varint.next;
    int(parts[base]!, x);
    return next;
  };
}

/** One column's writer from its source. */
function columnWriter(slots: AvroSlots, name: string, type: string, source: EventSource): NativeColumnWriter<EventBlock> {
  const wire = wireType(type);
  const what = `events.${name}`;
  if ('present' in source) {
    const at = slots.slot(source.present).index;
    return {
      write(streams, b) {
        const w = streams.parts()[0]!;
        w.ensure(b.bodies.length);
        for (let r = 0; r < b.bodies.length; r++) w.buf[w.pos++] = b.slots[r * b.width + at]! >= 0 ? 1 : 0;
      },
    };
  }
  if ('from' in source) {
    const paths = source.from.map((path) => ({ at: slots.slot(path).index, write: valueWriter(wire, slots.slot(path).type, 0, what) }));
    const zero = zeroWriter(wire, 0);
    if (paths.length === 1) {
      const { at, write } = paths[0]!;
      return {
        write(streams, b) {
          const parts = streams.parts();
          const { bodies, slots: s, width } = b;
          for (let r = 0; r < bodies.length; r++) {
            const p = s[r * width + at]!;
            if (p >= 0) write(parts, bodies[r]!, p);
            else zero(parts);
          }
        },
      };
    }
    return {
      write(streams, b) {
        const parts = streams.parts();
        for (let r = 0; r < b.bodies.length; r++) {
          const buf = b.bodies[r]!;
          let done = false;
          for (let i = 0; i < paths.length; i++) {
            const p = b.slots[r * b.width + paths[i]!.at]!;
            if (p >= 0) {
              paths[i]!.write(parts, buf, p);
              done = true;
              break;
            }
          }
          if (!done) zero(parts);
        }
      },
    };
  }
  if ('each' in source) {
    const list = slots.slot(source.each);
    const array = list.type as avro.types.ArrayType;
    const record = array.itemsType as avro.types.RecordType;
    const k = record.fields.findIndex((f) => f.name === source.field);
    const element = ARRAY.exec(wire);
    if (array.typeName !== 'array' || record.typeName !== 'record' || k < 0 || !element) throw new Error(`${what}: ${source.each} is not an array of records with ${source.field}`);
    const before = record.fields.slice(0, k).map((f) => skipper(f.type));
    const after = record.fields.slice(k + 1).map((f) => skipper(f.type));
    const field = valueWriter(element[1]!, record.fields[k]!.type, 1, what);
    return {
      write(streams, b) {
        const parts = streams.parts();
        for (let r = 0; r < b.bodies.length; r++) {
          const buf = b.bodies[r]!;
          const p = b.slots[r * b.width + list.index]!;
          let count = 0;
          if (p >= 0) {
            count = eachItem(buf, p, (q) => {
              for (const skip of before) q = skip(buf, q);
              q = field(parts, buf, q);
              for (const skip of after) q = skip(buf, q);
              return q;
            }).count;
          }
          putU64(parts[0]!, lastOffset(parts[0]!) + count, 0);
        }
      },
    };
  }
  return computedWriter(slots, wire, source.computed, what);
}

const offsetOf = (r: EventBodyRecord) => r.offset;
const topicOf = (r: EventBodyRecord) => r.topic;
const partitionOf = (r: EventBodyRecord) => r.partition;

function computedWriter(slots: AvroSlots, wire: string, computed: Extract<EventSource, { computed: string }>['computed'], what: string): NativeColumnWriter<EventBlock> {
  switch (computed) {
    case 'topic':
      return { write: (streams, b) => streams.append(b.rows, topicOf) };
    case 'partition':
      return { write: (streams, b) => streams.append(b.rows, partitionOf) };
    case 'offset':
      return { write: (streams, b) => streams.append(b.rows, offsetOf) };
    case 'result': {
      // The first block set that has a result, in EVENT_BLOCKS order (resultOf in event-row.ts).
      const results = EVENT_BLOCKS.filter((b) => slots.has(`${b}.result`)).map((b) => slots.slot(`${b}.result`).index);
      const int = integerWriter(wire);
      if (!int) throw new Error(`${what}: no Native ${wire} for a result`);
      return {
        write(streams, b) {
          const w = streams.parts()[0]!;
          for (let r = 0; r < b.bodies.length; r++) {
            let x = 0;
            for (const at of results) {
              const p = b.slots[r * b.width + at]!;
              if (p >= 0) {
                x = varint.num(b.bodies[r]!, p);
                break;
              }
            }
            int(w, x);
          }
        },
      };
    }
    case 'details': {
      // JSON of the blocks set, in EVENT_BLOCKS order (detailsOf in event-row.ts): each decoded alone.
      const blocks = EVENT_BLOCKS.map((b) => ({ key: `"${b}":`, at: slots.slot(b).index, type: slots.slot(b).type }));
      return {
        write(streams, b) {
          const w = streams.parts()[0]!;
          for (let r = 0; r < b.bodies.length; r++) {
            let json = '';
            for (const block of blocks) {
              const p = b.slots[r * b.width + block.at]!;
              if (p >= 0) json += `${json ? ',' : '{'}${block.key}${JSON.stringify(block.type.decode(b.bodies[r]!, p).value)}`;
            }
            w.string(json ? `${json}}` : '{}');
          }
        },
      };
    }
  }
}

/**
 * The events table's Native columns read from Avro bodies of `type` (this build's Event schema
 * unless given), each body from byte `start` of its buffer on (CONFLUENT_HEADER for whole Kafka
 * record values: no view of each body is made). A body that does not read (truncated, trailing
 * bytes, a union or enum index out of range) fails the payload with a TH_ERR_DECODE whose
 * details.row is its record.
 */
export function eventBodyColumns(type: avro.Type = avroType('tracehound.Event'), start = 0): NativeBlockColumns<EventBodyRecord, EventBlock> {
  const slots = new AvroSlots(type);
  const writers = EVENT_COLUMN_SOURCES.map(({ name, type: t, source }) => columnWriter(slots, name, t, source));
  for (const b of EVENT_BLOCKS) if (slots.slot(b).type.typeName !== 'record') throw new Error(`Event.${b} is not a record`);
  return {
    writers,
    block(rows) {
      const bodies = rows.map((r) => r.value.body);
      try {
        return { rows, bodies, slots: slots.index(bodies, start), width: slots.width };
      } catch (err) {
        if (!(err instanceof AvroBodyError)) throw err;
        const row = rows[(err as AvroBodyError & { row: number }).row]!;
        throw new TracehoundError('TH_ERR_DECODE', `event body does not decode: ${err.message}`, { cause: err, details: { record: row } });
      }
    },
  };
}
