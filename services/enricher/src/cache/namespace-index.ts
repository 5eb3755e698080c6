/**
 * Namespace labels by name. A deleted namespace's labels stay for the same TTL as its pods, so
 * a late event of a deleted pod still carries them.
 */
export class NamespaceIndex {
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly deleted = new Map<string, number>();

  upsert(name: string, labels: Record<string, string>): void {
    this.labels.set(name, labels);
    this.deleted.delete(name);
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
