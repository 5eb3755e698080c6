import { counter, gauge } from '@tracehound/metrics';
import type { AgentStats, EventKind } from '@tracehound/schemas';

/**
 * Events read since the counter was last read, by kind: added to it when it is read. A labelled
 * inc per event (a label hash, a check, a result object) was ~3 % of the agent's CPU and 2 % of
 * what it allocated in an exec storm.
 */
const unread = new Map<string, number>();
counter({
  name: 'tracehound_agent_events_total', help: 'Events read from the kernel, by kind', labelNames: ['kind'],
  collect() {
    for (const [kind, n] of unread) this.inc({ kind }, n);
    unread.clear();
  },
});
const kernelDrops = counter({ name: 'tracehound_agent_kernel_drops_total', help: 'Events the kernel could not queue (ring buffer full), by kind', labelNames: ['kind'] });
const decodeErrors = counter({ name: 'tracehound_agent_decode_errors_total', help: 'Loader records that were malformed or short and were skipped' });
const spoolDrops = counter({ name: 'tracehound_agent_spool_drops_total', help: 'Events dropped because the disk spool was full' });
const loaderRestarts = counter({ name: 'tracehound_agent_loader_restarts_total', help: 'Times the BPF loader died and was restarted' });
const capHeldBack = counter({ name: 'tracehound_agent_capability_checks_held_back_total', help: 'Checks of a reported capability not sent as events by the per-process rate limit (cap_interval_ms), counted when the next check of that process and capability is reported', labelNames: ['capability'] });
const spoolRecords = gauge({ name: 'tracehound_agent_spool_records', help: 'Events waiting in the disk spool' });
const spoolBytes = gauge({ name: 'tracehound_agent_spool_bytes', help: 'Bytes used by the disk spool' });

/**
 * Counts for one stats interval and for the process lifetime (Prometheus). Each interval ends
 * with an agent_stats event, so drops are visible in Kafka and storage, not only in metrics.
 */
export class AgentCounters {
  private byKind = new Map<string, number>();
  private dropsByKind = new Map<string, number>();
  private decodeErrors = 0;
  private restarts = 0;
  private spoolDropsSeen = 0;
  private intervalStart = Date.now();

  event(kind: EventKind): void {
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    unread.set(kind, (unread.get(kind) ?? 0) + 1);
  }

  /** Kernel drop counts are cumulative in the loader; pass the delta since the last report. */
  kernelDrops(kind: string, delta: number): void {
    if (delta <= 0) return;
    this.dropsByKind.set(kind, (this.dropsByKind.get(kind) ?? 0) + delta);
    kernelDrops.inc({ kind }, delta);
  }

  capabilityChecksHeldBack(capability: string, n: number): void {
    if (n > 0) capHeldBack.inc({ capability }, n);
  }

  decodeError(): void {
    this.decodeErrors++;
    decodeErrors.inc();
  }

  loaderRestart(): void {
    this.restarts++;
    loaderRestarts.inc();
  }

  /** Closes the interval: the agent_stats block, and counters reset for the next one. */
  snapshot(spool: { records: number; bytes: number; dropped: number }): AgentStats {
    const now = Date.now();
    const newSpoolDrops = spool.dropped - this.spoolDropsSeen;
    this.spoolDropsSeen = spool.dropped;
    if (newSpoolDrops > 0) spoolDrops.inc(newSpoolDrops);
    spoolRecords.set(spool.records);
    spoolBytes.set(spool.bytes);
    const drops = [...this.dropsByKind.values()].reduce((a, b) => a + b, 0);
    const stats: AgentStats = {
      interval_ms: now - this.intervalStart,
      events_by_kind: Object.fromEntries(this.byKind),
      kernel_drops_by_kind: Object.fromEntries(this.dropsByKind),
      kernel_drops: drops,
      decode_errors: this.decodeErrors,
      spool_records: spool.records,
      spool_bytes: spool.bytes,
      spool_drops: newSpoolDrops,
      loader_restarts: this.restarts,
    };
    this.byKind = new Map();
    this.dropsByKind = new Map();
    this.decodeErrors = 0;
    this.restarts = 0;
    this.intervalStart = now;
    return stats;
  }
}
