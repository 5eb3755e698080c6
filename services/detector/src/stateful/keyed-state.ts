import { counter } from '@tracehound/metrics';

const evictions = counter({ name: 'tracehound_detector_state_evictions_total', help: 'Stateful keys evicted because a rule held too many', labelNames: ['rule'] });

/**
 * Per-key state of one rule in one partition, bounded: past `maxKeys` the least recently
 * touched key is evicted and counted (it may then miss an alert; the metric says so).
 */
export class KeyedState<S> {
  private readonly map = new Map<string, S>();

  constructor(private readonly ruleId: string, private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The state of a key, created when absent, marked as most recently used. */
  touch(key: string, create: () => S): S {
    let s = this.map.get(key);
    if (s !== undefined) {
      this.map.delete(key);
    } else {
      s = create();
      if (this.map.size >= this.maxKeys) {
        const oldest = this.map.keys().next().value as string;
        this.map.delete(oldest);
        evictions.inc({ rule: this.ruleId });
      }
    }
    this.map.set(key, s);
    return s;
  }

  entries(): IterableIterator<[string, S]> {
    return this.map.entries();
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
