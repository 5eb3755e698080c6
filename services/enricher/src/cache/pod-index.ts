import type { K8sBase, PodInfo, Workload } from '../kube/model.js';
import { buildBlock } from './blocks.js';
import { ChangeSignal } from './change-signal.js';

interface PodEntry {
  info: PodInfo;
  workload: Workload | null;
  /** ms since epoch; null while the pod exists */
  deletedAt: number | null;
  /** for events whose container is not (yet) in the status */
  podBlock: K8sBase;
  /** every container id this pod has had, oldest first; a restarted container keeps its old id resolvable */
  containerIds: string[];
}

export interface Resolved {
  block: K8sBase;
  /** false when the pod is known but this container is not (yet) */
  containerKnown: boolean;
  deleted: boolean;
}

/** Container ids kept per pod besides the current ones (a crash-looping pod gets a new id per restart). */
const MAX_RETIRED_IDS = 8;

/**
 * Pods by uid and by container id, with deleted pods kept for `deletedTtlMs` so that events that
 * arrive late (Kafka lag, a held batch, a node agent catching up) still resolve.
 */
export class PodIndex {
  private readonly byUid = new Map<string, PodEntry>();
  private readonly byContainer = new Map<string, { pod: PodEntry; block: K8sBase }>();
  /** uid → deletion time, in deletion order (so sweeping stops at the first young one) */
  private readonly deleted = new Map<string, number>();
  readonly changes = new ChangeSignal();

  constructor(private readonly cluster: string, private readonly deletedTtlMs: number) {}

  upsert(info: PodInfo, workload: Workload | null): void {
    const old = this.byUid.get(info.uid);
    const entry: PodEntry = {
      info,
      workload,
      deletedAt: null,
      podBlock: buildBlock(this.cluster, info, workload, null),
      containerIds: [],
    };
    const current = new Set<string>();
    for (const c of info.containers) {
      if (!c.id) continue;
      current.add(c.id);
      this.byContainer.set(c.id, { pod: entry, block: buildBlock(this.cluster, info, workload, c) });
    }
    // Ids the pod no longer reports (restarted containers) stay resolvable, re-pointed at the new entry.
    const retired = (old?.containerIds ?? []).filter((id) => !current.has(id));
    for (const id of retired.slice(0, Math.max(0, retired.length - MAX_RETIRED_IDS))) this.byContainer.delete(id);
    for (const id of retired.slice(-MAX_RETIRED_IDS)) {
      const prev = this.byContainer.get(id);
      if (prev) this.byContainer.set(id, { pod: entry, block: prev.block });
    }
    entry.containerIds = [...retired.slice(-MAX_RETIRED_IDS), ...current];
    this.byUid.set(info.uid, entry);
    this.deleted.delete(info.uid);
    this.changes.notify();
  }

  /** Marks a pod deleted; it stays resolvable until the next sweep after the TTL. */
  remove(uid: string, now = Date.now()): void {
    const entry = this.byUid.get(uid);
    if (!entry || entry.deletedAt !== null) return;
    entry.deletedAt = now;
    this.deleted.set(uid, now);
  }

  /** After a full list: pods not in it are deleted (they went while the watch was away). */
  retainOnly(uids: Set<string>, now = Date.now()): number {
    let n = 0;
    for (const [uid, entry] of this.byUid) {
      if (entry.deletedAt === null && !uids.has(uid)) {
        this.remove(uid, now);
        n++;
      }
    }
    return n;
  }

  /** Forgets pods deleted more than the TTL ago; returns how many. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [uid, at] of this.deleted) {
      if (now - at < this.deletedTtlMs) break;
      this.deleted.delete(uid);
      const entry = this.byUid.get(uid);
      if (entry) {
        for (const id of entry.containerIds) if (this.byContainer.get(id)?.pod === entry) this.byContainer.delete(id);
        this.byUid.delete(uid);
      }
      n++;
    }
    return n;
  }

  byContainerId(id: string): Resolved | undefined {
    const hit = this.byContainer.get(id);
    return hit ? { block: hit.block, containerKnown: true, deleted: hit.pod.deletedAt !== null } : undefined;
  }

  byPodUid(uid: string): Resolved | undefined {
    const entry = this.byUid.get(uid);
    return entry ? { block: entry.podBlock, containerKnown: false, deleted: entry.deletedAt !== null } : undefined;
  }

  /** The live pod's projection, for tests and diagnostics. */
  get(uid: string): { info: PodInfo; workload: Workload | null; deleted: boolean } | undefined {
    const e = this.byUid.get(uid);
    return e ? { info: e.info, workload: e.workload, deleted: e.deletedAt !== null } : undefined;
  }

  liveUids(): string[] {
    return [...this.byUid].filter(([, e]) => e.deletedAt === null).map(([uid]) => uid);
  }

  get sizes(): { live: number; deleted: number; containers: number } {
    return { live: this.byUid.size - this.deleted.size, deleted: this.deleted.size, containers: this.byContainer.size };
  }
}
