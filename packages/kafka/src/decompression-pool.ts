import { AsyncLocalStorage } from 'node:async_hooks';

/** A slab's record batches: where each starts, and which its consumer has released. */
class Slab {
  readonly buf: Buffer;
  used = 0;
  readonly starts: number[] = [];
  readonly released: boolean[] = [];
  releasedCount = 0;
  /** No longer written to: it goes back to the pool once every batch in it is released. */
  retired = false;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafeSlow(bytes); // its own memory, never a pooled slice
  }

  get free(): boolean {
    return this.retired && this.releasedCount === this.starts.length;
  }

  reset(): void {
    this.used = 0;
    this.starts.length = 0;
    this.released.length = 0;
    this.releasedCount = 0;
    this.retired = false;
  }

  /** The index of the batch that holds byte `at`. */
  regionOf(at: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

export interface DecompressionPoolOptions {
  /** Bytes of one slab; a decompressed batch larger than a quarter of it is kept as it came. */
  slabBytes?: number;
  /**
   * Free slabs kept for reuse; more are left to the collector. Enough for the sink's peak in a
   * backlog (12 slabs of 4 MiB at 20,000 events/s, bench/pipeline.ts): with 4 it allocated 107
   * slabs in a 30 s run, each new one more external memory for the collector to account.
   */
  maxFree?: number;
  /**
   * Slabs in use tracked at most. A batch its consumer never releases (kafkajs drops a batch of
   * control records or of offsets below the fetch's without handing it over) keeps its slab in
   * use; past this bound the oldest such slab is no longer tracked, never reused, and collected
   * once nothing refers to it.
   */
  maxTracked?: number;
  /** Called for each slab let go past maxTracked (a metric counts them). */
  onUntracked?: () => void;
}

/**
 * Decompressed bytes between turns of the event loop when a pool's consumer decompresses (and
 * kafkajs decodes) a fetch synchronously: about 7,000 events. Without turns a 300,000-event
 * backlog held the sink's thread for up to 0.9-1.2 s at a time (bench/sink-kafka.ts event-loop
 * delay max; 141-152 ms with turns, as with the thread pool's decompression).
 */
export const YIELD_BYTES = 8 * 1024 * 1024;

const current = new AsyncLocalStorage<DecompressionPool>();

/** The pool of the consumer whose fetch is being decoded, if it has one. */
export function currentDecompressionPool(): DecompressionPool | undefined {
  return current.getStore();
}

/**
 * Decompressed record batches copied into a few reused slabs instead of a new buffer each.
 * A consumer that holds its records for seconds (the sink, until they are stored) otherwise keeps
 * every decompressed batch alive long enough to be promoted, and their external memory (about
 * 1 KB per event) is what starts most of its isolate's full collections ("external memory
 * pressure"). Copied, the buffer from the decompressor dies young; the slabs stay allocated.
 *
 * The consumer promises to release each batch's messages once nothing reads them any more
 * (BatchConsumer does, when a batch is handled or has failed); a slab is written again only
 * when every batch in it is released. Decompression uses the pool of the consumer whose
 * `run` is inside `pool.run()` (AsyncLocalStorage), so other consumers in the same process are
 * untouched.
 */
export class DecompressionPool {
  private readonly slabBytes: number;
  private readonly maxFree: number;
  private readonly maxTracked: number;
  private readonly onUntracked: (() => void) | undefined;
  /** Slabs in use by their memory, oldest first. */
  private readonly inUse = new Map<ArrayBufferLike, Slab>();
  private readonly freeSlabs: Slab[] = [];
  private slab: Slab | undefined;
  private sinceTurn = 0;
  /** What happened so far, for metrics and tests. */
  readonly stats = { pooled: 0, bypassed: 0, reused: 0, allocated: 0, untracked: 0 };

  constructor(o: DecompressionPoolOptions = {}) {
    this.slabBytes = o.slabBytes ?? 4 * 1024 * 1024;
    this.maxFree = o.maxFree ?? 16;
    this.maxTracked = o.maxTracked ?? 64;
    this.onUntracked = o.onUntracked;
  }

  /** Runs `fn` (a consumer's `run`) so that the fetches it starts decompress into this pool. */
  run<T>(fn: () => T): T {
    return current.run(this, fn);
  }

  /** A copy of a decompressed batch in a slab (or the batch itself when it is too large). */
  take(batch: Buffer): Buffer {
    const len = batch.length;
    if (len > this.slabBytes >> 2 || len === 0) {
      this.stats.bypassed++;
      return batch;
    }
    let s = this.slab;
    if (s === undefined || s.used + len > s.buf.length) {
      if (s !== undefined) this.retire(s);
      s = this.nextSlab();
    }
    const at = s.used;
    batch.copy(s.buf, at);
    s.starts.push(at);
    s.released.push(false);
    s.used = at + len;
    this.stats.pooled++;
    return s.buf.subarray(at, at + len);
  }

  /**
   * Nothing reads these messages any more: the batches they were decoded from may be written
   * over once every batch of their slab is released. Messages from elsewhere are ignored.
   */
  release(messages: ReadonlyArray<{ value: Buffer | null; key: Buffer | null }>): void {
    let slab: Slab | undefined;
    let lo = 0;
    let hi = -1;
    for (const m of messages) {
      const b = m.value ?? m.key;
      if (b === null || b === undefined) continue;
      if (slab === undefined || b.buffer !== slab.buf.buffer || b.byteOffset - slab.buf.byteOffset < lo || b.byteOffset - slab.buf.byteOffset >= hi) {
        slab = this.inUse.get(b.buffer);
        if (slab === undefined) continue;
        const at = b.byteOffset - slab.buf.byteOffset;
        const r = slab.regionOf(at);
        lo = slab.starts[r]!;
        hi = r + 1 < slab.starts.length ? slab.starts[r + 1]! : slab.used;
        if (!slab.released[r]) {
          slab.released[r] = true;
          slab.releasedCount++;
          if (slab.free) this.recycle(slab);
        }
      }
    }
  }

  /**
   * Counts decompressed bytes; true (and starts counting again) once YIELD_BYTES have been
   * decompressed since the last true: the caller gives the event loop a turn then.
   */
  turnDue(bytes: number): boolean {
    this.sinceTurn += bytes;
    if (this.sinceTurn < YIELD_BYTES) return false;
    this.sinceTurn = 0;
    return true;
  }

  /** Slabs in use and free (RSS the pool holds: their sum times the slab size). */
  get slabs(): { inUse: number; free: number } {
    return { inUse: this.inUse.size, free: this.freeSlabs.length };
  }

  private retire(s: Slab): void {
    s.retired = true;
    if (s.free) this.recycle(s);
  }

  private recycle(s: Slab): void {
    this.inUse.delete(s.buf.buffer);
    s.reset();
    if (this.freeSlabs.length < this.maxFree) this.freeSlabs.push(s);
  }

  private nextSlab(): Slab {
    let s = this.freeSlabs.pop();
    if (s !== undefined) this.stats.reused++;
    else {
      s = new Slab(this.slabBytes);
      this.stats.allocated++;
    }
    if (this.inUse.size >= this.maxTracked) {
      // The oldest slab still in use (a retired one: the current slab is the newest) is let go.
      const oldest = this.inUse.keys().next().value as ArrayBufferLike;
      this.inUse.delete(oldest);
      this.stats.untracked++;
      this.onUntracked?.();
    }
    this.inUse.set(s.buf.buffer, s);
    this.slab = s;
    return s;
  }
}
