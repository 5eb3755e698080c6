/**
 * Many pods repeat the same strings (namespace, node, image, service account, label values) and
 * the same label maps (every replica of a Deployment), but each arrives as a fresh copy from
 * JSON. Sharing one copy is most of what keeps the cache within 2 MB per 1,000 pods. The pools
 * are bounded: when one fills up it starts over, which costs sharing, never correctness.
 */
export class Interner {
  private strings = new Map<string, string>();
  private maps = new Map<string, Record<string, string>>();

  constructor(private readonly maxEntries = 100_000) {}

  str<T extends string | null>(s: T): T {
    if (s === null) return s;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit as T;
    if (this.strings.size >= this.maxEntries) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }

  /** One frozen object per distinct map (frozen: it is shared by many pods). */
  map(m: Record<string, string>): Record<string, string> {
    const keys = Object.keys(m);
    if (keys.length === 0) return m;
    keys.sort();
    let id = '';
    for (const k of keys) id += `${k}\u0000${m[k]}\u0000`;
    const hit = this.maps.get(id);
    if (hit) return hit;
    if (this.maps.size >= this.maxEntries) this.maps = new Map();
    const out: Record<string, string> = {};
    for (const k of keys) out[this.str(k)] = this.str(m[k]!);
    Object.freeze(out);
    this.maps.set(id, out);
    return out;
  }
}
