import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SpoolRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer;
}

export interface SpoolOptions {
  dir: string;
  /** Bound on disk use; past it the oldest segment is dropped and its records counted. */
  maxBytes: number;
  segmentBytes: number;
}

interface Segment {
  seq: number;
  bytes: number;
  records: number;
}

const NAME = /^(\d{12})\.seg$/;
/** Bytes read per record asked for by peek (events are 1–3 KiB); a larger record reads the rest. */
const PEEK_BYTES_PER_RECORD = 4_096;
const segName = (seq: number) => `${String(seq).padStart(12, '0')}.seg`;

/** One record on disk: u32 body length, u16 topic length, topic, i32 key length (-1 = null), key, value. */
function frame(r: SpoolRecord): Buffer {
  const topic = Buffer.from(r.topic);
  const keyLen = r.key ? r.key.length : -1;
  const body = 2 + topic.length + 4 + Math.max(0, keyLen) + r.value.length;
  const buf = Buffer.allocUnsafe(4 + body);
  let o = buf.writeUInt32LE(body, 0);
  o = buf.writeUInt16LE(topic.length, o);
  o += topic.copy(buf, o);
  o = buf.writeInt32LE(keyLen, o);
  if (r.key) o += r.key.copy(buf, o);
  r.value.copy(buf, o);
  return buf;
}

function* unframe(buf: Buffer): Generator<{ record: SpoolRecord; end: number }> {
  let o = 0;
  while (o + 4 <= buf.length) {
    const body = buf.readUInt32LE(o);
    if (o + 4 + body > buf.length) return; // torn write at a crash: the tail is ignored
    let p = o + 4;
    const tl = buf.readUInt16LE(p);
    p += 2;
    const topic = buf.toString('utf8', p, p + tl);
    p += tl;
    const kl = buf.readInt32LE(p);
    p += 4;
    const key = kl >= 0 ? Buffer.from(buf.subarray(p, p + kl)) : null;
    p += Math.max(0, kl);
    const value = Buffer.from(buf.subarray(p, o + 4 + body));
    o += 4 + body;
    yield { record: { topic, key, value }, end: o };
  }
}

/**
 * A bounded on-disk queue for the agent while Kafka is away: segment files appended in order,
 * replayed oldest first, and a cursor file so a restart does not resend what was delivered.
 * When full, the oldest segment is dropped and its records are counted as spool drops.
 */
export class DiskSpool {
  private segments: Segment[] = [];
  private fd: number | undefined;
  private cursor = { seq: 0, offset: 0, records: 0 };
  dropped = 0;

  constructor(private readonly o: SpoolOptions) {
    mkdirSync(o.dir, { recursive: true });
    for (const f of readdirSync(o.dir).sort()) {
      const m = NAME.exec(f);
      if (!m) continue;
      const buf = readFileSync(join(o.dir, f));
      let n = 0;
      for (const _ of unframe(buf)) n++;
      this.segments.push({ seq: Number(m[1]), bytes: buf.length, records: n });
    }
    const cur = join(o.dir, 'cursor');
    if (existsSync(cur)) {
      const [seq, offset, records] = readFileSync(cur, 'utf8').trim().split(' ').map(Number);
      if (this.segments.some((s) => s.seq === seq)) this.cursor = { seq: seq!, offset: offset!, records: records! };
    }
    if (this.segments.length && this.cursor.seq !== this.segments[0]!.seq && !this.segments.some((s) => s.seq === this.cursor.seq)) {
      this.cursor = { seq: this.segments[0]!.seq, offset: 0, records: 0 };
    }
  }

  /** Records waiting on disk. */
  get records(): number {
    return this.segments.reduce((n, s) => n + s.records, 0) - this.cursorRecords();
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  get empty(): boolean {
    return this.records === 0;
  }

  append(records: SpoolRecord[]): void {
    // One write per segment touched, not one per record: the agent appends whole reads at a time.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (!pending.length) return;
      writeSync(this.fd!, pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    let total = this.bytes;
    for (const r of records) {
      const buf = frame(r);
      while (this.segments.length && total + buf.length > this.o.maxBytes) {
        flush();
        this.dropOldest();
        total = this.bytes;
      }
      let last = this.segments[this.segments.length - 1];
      if (!last || this.fd === undefined || last.bytes + buf.length > this.o.segmentBytes) {
        flush();
        last = this.rotate();
      }
      pending.push(buf);
      pendingBytes += buf.length;
      last.bytes += buf.length;
      last.records++;
      total += buf.length;
    }
    flush();
  }

  /** Up to `max` of the oldest records, and a commit that marks them delivered. */
  peek(max: number): { records: SpoolRecord[]; commit: () => void } {
    const seg = this.segments[0];
    if (!seg) return { records: [], commit: () => undefined };
    if (this.cursor.seq !== seg.seq) this.cursor = { seq: seg.seq, offset: 0, records: 0 };
    const buf = this.readFrom(seg.seq, this.cursor.offset, max);
    const out: SpoolRecord[] = [];
    let end = 0;
    for (const { record, end: e } of unframe(buf)) {
      out.push(record);
      end = e;
      if (out.length >= max) break;
    }
    const at = { ...this.cursor };
    return {
      records: out,
      commit: () => {
        if (this.cursor.seq !== at.seq || this.cursor.offset !== at.offset) return; // dropped meanwhile
        this.cursor = { seq: at.seq, offset: at.offset + end, records: at.records + out.length };
        if (this.cursor.records >= seg.records && (this.segments.length > 1 || this.fd === undefined)) {
          this.removeSegment(0);
        } else if (this.cursor.records >= seg.records) {
          this.closeActive();
          this.removeSegment(0);
        }
        this.saveCursor();
      },
    };
  }

  close(): void {
    this.closeActive();
    this.saveCursor();
  }

  /** Bytes of a segment from `offset`: a window sized for `max` records, or the rest when one record is larger. */
  private readFrom(seq: number, offset: number, max: number): Buffer {
    const fd = openSync(join(this.o.dir, segName(seq)), 'r');
    try {
      const size = fstatSync(fd).size;
      const read = (len: number) => {
        const buf = Buffer.allocUnsafe(Math.max(0, len));
        const n = len > 0 ? readSync(fd, buf, 0, len, offset) : 0;
        return buf.subarray(0, n);
      };
      const rest = size - offset;
      const window = read(Math.min(rest, max * PEEK_BYTES_PER_RECORD));
      if (window.length === rest || window.length < 4 || window.readUInt32LE(0) + 4 <= window.length) return window;
      return read(rest);
    } finally {
      closeSync(fd);
    }
  }

  private cursorRecords(): number {
    return this.segments[0] && this.cursor.seq === this.segments[0].seq ? this.cursor.records : 0;
  }

  private rotate(): Segment {
    this.closeActive();
    const seq = (this.segments[this.segments.length - 1]?.seq ?? this.cursor.seq) + 1;
    this.fd = openSync(join(this.o.dir, segName(seq)), 'a');
    const seg = { seq, bytes: fstatSync(this.fd).size, records: 0 };
    this.segments.push(seg);
    return seg;
  }

  private closeActive(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private dropOldest(): void {
    const seg = this.segments[0]!;
    this.dropped += seg.records - this.cursorRecords();
    if (this.segments.length === 1) this.closeActive();
    this.removeSegment(0);
  }

  private removeSegment(i: number): void {
    const [seg] = this.segments.splice(i, 1);
    try {
      unlinkSync(join(this.o.dir, segName(seg!.seq)));
    } catch {
      /* already gone */
    }
    const next = this.segments[0];
    this.cursor = { seq: next?.seq ?? seg!.seq, offset: 0, records: 0 };
  }

  private saveCursor(): void {
    const tmp = join(this.o.dir, 'cursor.tmp');
    writeFileSync(tmp, `${this.cursor.seq} ${this.cursor.offset} ${this.cursor.records}\n`);
    renameSync(tmp, join(this.o.dir, 'cursor'));
  }
}
