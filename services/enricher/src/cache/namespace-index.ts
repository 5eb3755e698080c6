/**
 * Namespace labels by name. A deleted namespace's labels stay for the same TTL as its pods, so
 * a late event of a deleted pod still carries them.
 */
export class NamespaceIndex {
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly deleted = new Map<string, number>();

  /** Returns whether the labels changed (so blocks that carry them must be rebuilt). */
  upsert(name: string, labels: Record<string, string>): boolean {
    this.deleted.delete(name);
    const old = this.labels.get(name);
    if (old && sameLabels(old, labels)) return false;
    this.labels.set(name, labels);
    return true;
  }

  remove(name: string, now = Date.now()): void {
    if (this.labels.has(name) && !this.deleted.has(name)) this.deleted.set(name, now);
  }

  retainOnly(names: Set<string>, now = Date.now()): void {
    for (const name of this.labels.keys()) if (!names.has(name)) this.remove(name, now);
  }

  sweep(ttlMs: number, now = Date.now()): void {
    for (const [name, at] of this.deleted) {
      if (now - at < ttlMs) break;
      this.deleted.delete(name);
      this.labels.delete(name);
    }
  }

  get(name: string): Record<string, string> | undefined {
    return this.labels.get(name);
  }

  get size(): number {
    return this.labels.size - this.deleted.size;
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
