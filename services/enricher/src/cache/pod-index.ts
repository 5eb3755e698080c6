import type { K8s } from '@tracehound/schemas';
import type { PodInfo, Workload } from '../kube/model.js';
import { buildBlock } from './blocks.js';
import { ChangeSignal } from './change-signal.js';

/**
 * A pod as the index keeps it: only its finished K8s blocks (the projection they were built from
 * is dropped, to stay within the memory budget of 2 MB per 1,000 pods).
 */
interface PodEntry {
  namespace: string;
  /** to skip rebuilding blocks for an unchanged pod (a re-list repeats every pod) */
  resourceVersion: string;
  /** ms since epoch; null while the pod exists */
  deletedAt: number | null;
  /** for events whose container is not (yet) in the status */
  podBlock: K8s;
  /** every container id this pod has had, oldest first; a restarted container keeps its old id resolvable */
  containerIds: string[];
}

export interface Resolved {
  block: K8s;
  /** false when the pod is known but this container is not (yet) */
  containerKnown: boolean;
  deleted: boolean;
}

/** Container ids kept per pod besides the current ones (a crash-looping pod gets a new id per restart). */
const MAX_RETIRED_IDS = 8;
const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Pods by uid and by container id, with deleted pods kept for `deletedTtlMs` so that events that
 * arrive late (Kafka lag, a held batch, a node agent catching up) still resolve.
 */
export class PodIndex {
  private readonly byUid = new Map<string, PodEntry>();
  private readonly byContainer = new Map<string, { pod: PodEntry; block: K8s }>();
  /** uid → deletion time, in deletion order (so sweeping stops at the first young one) */
  private readonly deleted = new Map<string, number>();
  readonly changes = new ChangeSignal();

  constructor(
    private readonly cluster: string,
    private readonly deletedTtlMs: number,
    private readonly namespaceLabels: (namespace: string) => Record<string, string> | undefined = () => undefined,
  ) {}

  upsert(info: PodInfo, workload: Workload | null): void {
    const old = this.byUid.get(info.uid);
    const labels = this.namespaceLabels(info.namespace) ?? EMPTY;
    if (old && old.deletedAt === null && info.resourceVersion !== '' && old.resourceVersion === info.resourceVersion
      && old.podBlock.namespace_labels === labels && old.podBlock.workload_kind === (workload?.kind ?? null) && old.podBlock.workload_name === (workload?.name ?? null)) {
      return; // same object as cached: keep its blocks (and the encoder's bytes for them)
    }
    const entry: PodEntry = {
      namespace: info.namespace, resourceVersion: info.resourceVersion, deletedAt: null, podBlock: buildBlock(this.cluster, info, workload, null, labels), containerIds: [],
    };
    const current: string[] = [];
    for (const c of info.containers) {
      if (!c.id) continue;
      current.push(c.id);
      this.byContainer.set(c.id, { pod: entry, block: buildBlock(this.cluster, info, workload, c, labels) });
    }
    // Ids the pod no longer reports (restarted containers) stay resolvable, re-pointed at the new entry.
    const retired = (old?.containerIds ?? []).filter((id) => !current.includes(id));
    for (const id of retired.slice(0, Math.max(0, retired.length - MAX_RETIRED_IDS))) this.byContainer.delete(id);
    const kept = retired.slice(-MAX_RETIRED_IDS);
    for (const id of kept) {
      const prev = this.byContainer.get(id);
      if (prev) this.byContainer.set(id, { pod: entry, block: prev.block });
    }
    entry.containerIds = kept.length ? [...kept, ...current] : current;
    this.byUid.set(info.uid, entry);
    this.deleted.delete(info.uid);
    this.changes.notify();
  }

  /** A namespace's labels changed (or arrived after its pods): rebuild its pods' blocks. */
  refreshNamespace(namespace: string): void {
    const labels = this.namespaceLabels(namespace) ?? EMPTY;
    for (const entry of this.byUid.values()) {
      if (entry.namespace !== namespace || entry.podBlock.namespace_labels === labels) continue;
      entry.podBlock = { ...entry.podBlock, namespace_labels: labels };
      for (const id of entry.containerIds) {
        const hit = this.byContainer.get(id);
        if (hit?.pod === entry) this.byContainer.set(id, { pod: entry, block: { ...hit.block, namespace_labels: labels } });
      }
    }
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

  /**
   * A pod by namespace and name (a live one before a deleted one of the same name), for API server
   * audit events, which name the pod they act on but not its uid. A scan: such events are rare
   * (exec, attach, port-forward), and a second index would cost memory on every pod.
   */
  byPodName(namespace: string, name: string): Resolved | undefined {
    let found: PodEntry | undefined;
    for (const e of this.byUid.values()) {
      if (e.namespace !== namespace || e.podBlock.pod !== name) continue;
      if (e.deletedAt === null) return { block: e.podBlock, containerKnown: false, deleted: false };
      if (!found || e.deletedAt > found.deletedAt!) found = e;
    }
    return found ? { block: found.podBlock, containerKnown: false, deleted: true } : undefined;
  }

  /** A pod's pod-level block and state, for tests and diagnostics. */
  get(uid: string): { block: K8s; deleted: boolean } | undefined {
    const e = this.byUid.get(uid);
    return e ? { block: e.podBlock, deleted: e.deletedAt !== null } : undefined;
  }

  liveUids(): string[] {
    return [...this.byUid].filter(([, e]) => e.deletedAt === null).map(([uid]) => uid);
  }

  get sizes(): { live: number; deleted: number; containers: number } {
    return { live: this.byUid.size - this.deleted.size, deleted: this.deleted.size, containers: this.byContainer.size };
  }
}
