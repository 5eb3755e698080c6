import { TracehoundError } from '@tracehound/errors';
import type { Enrichment, Event } from '@tracehound/schemas';
import { metrics } from '../metrics.js';
import { GivenUp } from './given-up.js';
import { Resolver, targetOf, uidOf, type Enriched, type Lookup, type PodTarget, type Routable, type Target } from './resolve.js';

export interface BatchItem<E extends Routable = Event> {
  event: E;
  /** the raw record's key */
  key: string | null;
}

/** What the consumer lends a handler while it holds a batch. */
export interface BatchControl {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

export interface BatchEnricherOptions {
  lookup: Lookup;
  cluster: string;
  /** How long events of a not-yet-known container may be held. */
  holdMs: number;
  /** Whether holding can help: false until the first full list (or when the API refuses us). */
  canHold: () => boolean;
  /** Settles at the next cache change. */
  changes: { next(): Promise<void> };
}

/**
 * Enriches one consumed batch and returns it in the same order (per-partition order is kept).
 *
 * Holding: events whose container is not in the cache yet (a pod that starts and execs at once,
 * before the kubelet reports its container id) are held inside this call, re-resolved at every
 * cache change, for at most `holdMs`; past that they go on unresolved, never dropped. Because
 * the batch is returned (and its offsets committed) only after every event in it is settled, no
 * held event's offset is committed before it is produced, and a crash re-delivers it. The cost is
 * that a partition's batch waits for its slowest held event — bounded by `holdMs`, and only for
 * containers not seen before (GivenUp stops a foreign container from stalling batch after batch).
 */
export class BatchEnricher {
  private readonly resolver: Resolver;
  private readonly givenUp: GivenUp;

  constructor(private readonly o: BatchEnricherOptions) {
    this.resolver = new Resolver(o.lookup, o.cluster);
    this.givenUp = new GivenUp(10 * 60_000);
  }

  async enrich<E extends Routable>(items: BatchItem<E>[], ctl: BatchControl): Promise<Enriched<E>[]> {
    const out = new Array<Enriched<E>>(items.length);
    const waiting: Array<{ i: number; t: Target }> = [];
    const canHold = this.o.holdMs > 0 && this.o.canHold();
    for (let i = 0; i < items.length; i++) {
      const { event, key } = items[i]!;
      const t = targetOf(event);
      const final = !canHold || (t.type === 'pod' && this.givenUp.has(holdKey(t)));
      const r = this.resolver.resolve(event, t, key, final);
      if (r) out[i] = r;
      else waiting.push({ i, t });
    }
    if (waiting.length) await this.hold(items, out, waiting, ctl);
    const counts: Partial<Record<Enrichment, number>> = {};
    for (const r of out) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    for (const [outcome, n] of Object.entries(counts)) metrics.events.inc({ outcome }, n);
    return out;
  }

  private async hold<E extends Routable>(items: BatchItem<E>[], out: Enriched<E>[], waiting: Array<{ i: number; t: Target }>, ctl: BatchControl): Promise<void> {
    metrics.held.inc(waiting.length);
    const start = Date.now();
    const deadline = start + this.o.holdMs;
    let lastBeat = start;
    while (waiting.length && Date.now() < deadline) {
      // Wake at the next cache change, or at least every second to heartbeat and check shutdown.
      await this.nextChange(Math.min(1_000, deadline - Date.now()));
      if (!ctl.isRunning()) {
        throw new TracehoundError('TH_ERR_KAFKA', `consumer stopping while ${waiting.length} events were held; the batch is not committed and will be delivered again`);
      }
      if (Date.now() - lastBeat >= 1_000) {
        await ctl.heartbeat();
        lastBeat = Date.now();
      }
      waiting = waiting.filter(({ i, t }) => {
        const r = this.resolver.resolve(items[i]!.event, t, items[i]!.key, false);
        if (!r) return true;
        out[i] = r;
        metrics.holdSeconds.observe({ outcome: 'resolved' }, (Date.now() - start) / 1000);
        return false;
      });
    }
    for (const { i, t } of waiting) {
      const r = this.resolver.resolve(items[i]!.event, t, items[i]!.key, true)!;
      out[i] = r;
      metrics.holdSeconds.observe({ outcome: r.outcome === 'resolved' ? 'resolved' : 'unresolved' }, (Date.now() - start) / 1000);
      if (t.type === 'pod') this.givenUp.add(holdKey(t));
    }
  }

  private nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      void this.o.changes.next().then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const holdKey = (t: PodTarget) => t.containerId ?? `pod:${uidOf(t)}`;
