/**
 * Containers (or pods) whose events were held the full time and still did not resolve: a
 * container that is not a pod's (a plain docker run on the node) would otherwise stall every
 * batch it appears in. Its later events pass unheld for `ttlMs`; if it does appear in the cache
 * meanwhile, the lookup that comes before any hold finds it anyway.
 */
export class GivenUp {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly max = 10_000) {}

  add(key: string, now = Date.now()): void {
    this.until.delete(key);
    if (this.until.size >= this.max) this.until.delete(this.until.keys().next().value!);
    this.until.set(key, now + this.ttlMs);
  }

  has(key: string, now = Date.now()): boolean {
    const t = this.until.get(key);
    if (t === undefined) return false;
    if (t > now) return true;
    this.until.delete(key);
    return false;
  }
}
