/**
 * Which alerts of each partition are still being delivered. The consumer commits a partition
 * only up to its oldest unfinished alert, so after a crash or restart everything not finished is
 * read again (and what was delivered meanwhile is skipped by the delivery log).
 */
export class PendingOffsets {
  private readonly pending = new Map<number, Map<bigint, number>>();
  private readonly seen = new Map<number, bigint>();

  /** An alert read at `offset` that `routes` routes will handle. */
  add(partition: number, offset: bigint, routes: number): void {
    const next = offset + 1n;
    if ((this.seen.get(partition) ?? -1n) < next) this.seen.set(partition, next);
    if (routes === 0) return;
    let p = this.pending.get(partition);
    if (!p) this.pending.set(partition, (p = new Map()));
    p.set(offset, (p.get(offset) ?? 0) + routes);
  }

  /** One route finished with the alert at `offset`. */
  done(partition: number, offset: bigint): void {
    const p = this.pending.get(partition);
    const n = p?.get(offset);
    if (n === undefined) return;
    if (n <= 1) p!.delete(offset);
    else p!.set(offset, n - 1);
  }

  /** The offset each partition may be committed to now. */
  commitPoints(): Map<number, bigint> {
    const out = new Map<number, bigint>();
    for (const [partition, next] of this.seen) {
      let min = next;
      for (const o of this.pending.get(partition)?.keys() ?? []) if (o < min) min = o;
      out.set(partition, min);
    }
    return out;
  }

  get size(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.size;
    return n;
  }

  forget(partition: number): void {
    this.pending.delete(partition);
    this.seen.delete(partition);
  }
}
