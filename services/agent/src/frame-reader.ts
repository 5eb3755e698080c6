/**
 * Splits the loader's stdout into records: each frame is a little-endian u32 length followed by
 * that many bytes (bpf/README.md). Frames longer than `maxFrame` mean the stream is corrupt;
 * they are counted and the reader resynchronises by dropping its buffer, never crashing.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  corrupt = 0;

  constructor(private readonly maxFrame = 1 << 20) {}

  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let o = 0;
    while (this.buf.length - o >= 4) {
      const len = this.buf.readUInt32LE(o);
      if (len === 0 || len > this.maxFrame) {
        this.corrupt++;
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.buf.length - o - 4 < len) break;
      onFrame(this.buf.subarray(o + 4, o + 4 + len));
      o += 4 + len;
    }
    this.buf = o === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(o));
  }
}
