import avro from 'avsc';
import type { Event } from '@tracehound/schemas';

/** Confluent wire format: magic byte 0 and the 4-byte big-endian schema id before the Avro body. */
const HEADER = 5;
const SLAB = 1 << 20;
/** Released slabs kept for reuse; past this, a released slab is left to the garbage collector. */
const MAX_FREE_SLABS = 16;
/**
 * Slabs with values not yet released that are tracked; past this the oldest are no longer
 * tracked (never written again, left to the garbage collector), so values that are never
 * released (a failure between encoding and publishing) cannot pin slabs forever. The agent holds
 * at most 20,000 unacknowledged events in memory: a few dozen slabs.
 */
const MAX_HELD_SLABS = 256;
const MAX_REMEMBERED = 1_024;
/** Process fields whose values repeat across a process's events (the agent shares the arrays, frozen). */
const CACHED = new Set(['args', 'ancestors']);

/** A slab and how many of the values written into it are still held by their users. */
interface Slab {
  buf: Buffer;
  live: number;
}

type Step = { kind: 'fields'; type: avro.Type } | { kind: 'cached'; field: string; type: avro.Type };

interface AvroField { name: string; type: avro.Type }
const fieldsOf = (t: avro.Type) => (t as unknown as { fields: AvroField[] }).fields;

/**
 * Split a record's fields into runs of ordinary fields (encoded by a record type holding just
 * that run: a record's encoding is its fields' encodings back to back) and single fields whose
 * encoded bytes are cached by value identity.
 */
function steps(record: avro.Type, cached: Set<string>): Step[] {
  const out: Step[] = [];
  let run: AvroField[] = [];
  const close = () => {
    if (run.length) out.push({ kind: 'fields', type: avro.Type.forSchema({ type: 'record', name: `Run${out.length}`, fields: run.map((f) => ({ name: f.name, type: f.type as unknown as avro.Schema })) }, { registry: {} }) });
    run = [];
  };
  for (const f of fieldsOf(record)) {
    if (cached.has(f.name)) {
      close();
      out.push({ kind: 'cached', field: f.name, type: f.type });
    } else {
      run.push(f);
    }
  }
  close();
  return out;
}

/**
 * Encodes Events in Confluent wire format, byte for byte what RecordCodec.encode writes (a test
 * proves it), but cheaper for the agent's stream: values are written back to back into 1 MiB
 * slabs instead of one allocation (and, past 1 KiB, two writes) each, and the values the decoder
 * shares between events — a thread's process block, a process's ancestry and argument lists,
 * frozen so that nothing changes them — are encoded once per object and slab, then copied. An event
 * this cannot encode goes to `fallback` (the codec), which explains the schema mismatch.
 */
export class EventEncoder {
  private readonly head: Step[];
  private readonly process: Step[];
  private readonly tail: Step[];
  private readonly processBranch: Buffer;
  /** Where in the current slab a list was last written: copied from there when it comes again. */
  private readonly written = new Map<object, [number, number]>();
  /** Slabs holding values not yet released, by their memory. */
  private readonly held = new Map<ArrayBufferLike, Slab>();
  private readonly free: Buffer[] = [];
  private current: Slab;
  private slab: Buffer;
  private pos = 0;

  constructor(
    type: avro.Type,
    private readonly schemaId: number,
    private readonly fallback: (ev: Event) => Buffer,
    private readonly maxHeldSlabs = MAX_HELD_SLABS,
  ) {
    const fields = fieldsOf(type);
    const at = fields.findIndex((f) => f.name === 'process');
    const union = fields[at]!.type as unknown as { types: avro.Type[] };
    const branch = union.types.findIndex((t) => t.typeName === 'record');
    const split = (list: AvroField[]) => avro.Type.forSchema({ type: 'record', name: 'Part', fields: list.map((f) => ({ name: f.name, type: f.type as unknown as avro.Schema })) }, { registry: {} });
    this.head = [{ kind: 'fields', type: split(fields.slice(0, at)) }];
    this.tail = [{ kind: 'fields', type: split(fields.slice(at + 1)) }];
    this.process = steps(union.types[branch]!, CACHED);
    this.processBranch = avro.Type.forSchema('long').toBuffer(branch);
    this.slab = Buffer.allocUnsafeSlow(SLAB);
    this.current = { buf: this.slab, live: 0 };
    this.held.set(this.slab.buffer, this.current);
  }

  /** Slabs ready for reuse (released, not yet written again). */
  get freeSlabs(): number {
    return this.free.length;
  }

  /**
   * The users of these values (from `encode`) are done with them: once every value of a full
   * slab is released, the slab is written again instead of a new one being allocated. Without
   * this, each 1 MiB slab waited for a full garbage collection after its last value was
   * acknowledged (the slabs outlive V8's young generation), and tens of MB of them piled up
   * between collections. Values not from a slab (the fallback's) are ignored; a value must be
   * released once, after its last use.
   */
  release(values: readonly Buffer[]): void {
    for (const v of values) {
      const s = this.held.get(v.buffer);
      if (s !== undefined && --s.live <= 0 && s !== this.current) this.recycle(s);
    }
  }

  /** A slab none of whose values is held any more: no longer tracked, and kept for reuse while there is room. */
  private recycle(s: Slab): void {
    this.held.delete(s.buf.buffer);
    if (s.buf.length === SLAB && this.free.length < MAX_FREE_SLABS) this.free.push(s.buf);
  }

  encode(ev: Event): Buffer {
    if (ev.process === null) return this.fallback(ev);
    for (let attempt = 0; attempt < 2; attempt++) {
      const start = this.pos;
      const end = this.write(ev, start);
      if (Number.isNaN(end)) {
        this.written.clear(); // lists remembered during the failed write point past `pos`
        break;
      }
      if (end > 0) {
        this.pos = end;
        this.current.live++;
        return this.slab.subarray(start, end);
      }
      this.nextSlab(-end * 2);
    }
    return this.fallback(ev);
  }

  /** Out of room: a released slab or a fresh one (the old one lives on in the values not yet released). */
  private nextSlab(need: number): void {
    if (this.current.live === 0) this.recycle(this.current);
    for (const key of this.held.keys()) {
      if (this.held.size < this.maxHeldSlabs) break;
      this.held.delete(key); // the oldest: untracked from now on
    }
    this.slab = need <= SLAB ? (this.free.pop() ?? Buffer.allocUnsafeSlow(SLAB)) : Buffer.allocUnsafeSlow(need);
    this.current = { buf: this.slab, live: 0 };
    this.held.set(this.slab.buffer, this.current);
    this.pos = 0;
    this.written.clear();
  }

  /** Writes at `start`; the end position, a negative number when the slab is too small, NaN when the event does not fit the schema. */
  private write(ev: Event, start: number): number {
    const buf = this.slab;
    if (start + HEADER > buf.length) return -HEADER;
    buf[start] = 0;
    buf.writeUInt32BE(this.schemaId, start + 1);
    let pos = start + HEADER;
    try {
      pos = this.run(this.head, ev, buf, pos);
      if (pos < 0) return pos;
      pos = this.writeProcess(ev.process!, buf, pos);
      if (pos < 0) return pos;
      return this.run(this.tail, ev, buf, pos);
    } catch {
      return NaN; // not encodable: the fallback reports why
    }
  }

  /** The union branch and the process record; a frozen (shared) block is copied from its last encoding in this slab. */
  private writeProcess(p: object, buf: Buffer, start: number): number {
    const shared = Object.isFrozen(p);
    if (shared) {
      const copied = this.copyRemembered(p, buf, start);
      if (copied !== undefined) return copied;
    }
    if (start + this.processBranch.length > buf.length) return -this.processBranch.length;
    const end = this.run(this.process, p, buf, start + this.processBranch.copy(buf, start));
    if (shared && end > 0) this.remember(p, start, end);
    return end;
  }

  /** Copies a value's bytes from where this slab last holds them: the end position, or undefined when it holds none. */
  private copyRemembered(v: object, buf: Buffer, pos: number): number | undefined {
    const range = this.written.get(v);
    if (range === undefined) return undefined;
    const len = range[1] - range[0];
    if (pos + len > buf.length) return -len;
    buf.copyWithin(pos, range[0], range[1]); // within the slab: no view per copy, as buf.copy makes
    return pos + len;
  }

  private remember(v: object, start: number, end: number): void {
    if (this.written.size >= MAX_REMEMBERED) this.written.clear();
    this.written.set(v, [start, end]);
  }

  private run(list: Step[], value: object, buf: Buffer, pos: number): number {
    for (const s of list) {
      if (s.kind === 'fields') {
        pos = s.type.encode(value, buf, pos);
        if (pos < 0 || pos > buf.length) return -Math.abs(pos);
        continue;
      }
      const v = (value as Record<string, unknown>)[s.field] as object;
      const shared = Object.isFrozen(v);
      if (shared) {
        const copied = this.copyRemembered(v, buf, pos);
        if (copied !== undefined) {
          if (copied < 0) return copied;
          pos = copied;
          continue;
        }
      }
      const end = s.type.encode(v, buf, pos);
      if (end < 0 || end > buf.length) return -Math.abs(end);
      if (shared) this.remember(v, pos, end);
      pos = end;
    }
    return pos;
  }
}
