import type { Audit, Enrichment, Event, K8s, Process } from '@tracehound/schemas';
import type { Resolved } from '../cache/pod-index.js';
import { parseCgroupPath } from '../cgroup.js';

/** What the enricher needs to look up; the cluster cache provides it. */
export interface Lookup {
  byContainerId(id: string): Resolved | undefined;
  byPodUid(uid: string): Resolved | undefined;
  /** For API server audit events about a pod (exec, attach, …): the pod they name. */
  byPodName?(namespace: string, name: string): Resolved | undefined;
}

/** Where an event comes from, worked out once per event. */
export type Target =
  | { type: 'host' }
  | PodTarget;

/** An event of some pod. The pod uid is parsed from the cgroup path only when needed (see uidOf). */
export interface PodTarget {
  type: 'pod';
  containerId: string | null;
  /** undefined: not parsed yet */
  podUid?: string | null;
  cgroupPath: string | null;
}

/** The pod uid of a target, parsed once: most events resolve by container id and never need it. */
export function uidOf(t: PodTarget): string | null {
  if (t.podUid === undefined) t.podUid = t.cgroupPath ? podUidOf(t.cgroupPath) : null;
  return t.podUid;
}

/** The pod uid in a cgroup path (kubepods…pod<uid>.slice), or null. */
export function podUidOf(path: string): string | null {
  return parseCgroupPath(path)?.podUid ?? podUidOnly(path);
}

/** The fields of an event that decide its pod: what the enricher reads of each raw event. */
export interface Routable {
  kind: Event['kind'];
  node: string;
  process: Pick<Process, 'container_id' | 'cgroup_path'> | null;
  audit: Pick<Audit, 'resource' | 'namespace' | 'name'> | null;
}

export interface Enriched<E extends Routable = Event> {
  /** pod uid; the node for host processes; the raw key (node/container) when unresolved */
  key: string;
  event: E & { enrichment: Enrichment; k8s: K8s };
  outcome: Enrichment;
}

/**
 * Host process: no container id and no pod uid in the cgroup path (or no process at all, as for
 * agent_stats). Otherwise the container id (as the agent found it) and the pod uid from the
 * kubepods cgroup path, either of which may be missing.
 */
export function targetOf(event: Routable): Target {
  const p = event.process;
  if (!p) return { type: 'host' };
  const containerId = p.container_id ? p.container_id.toLowerCase() : null;
  if (containerId) return { type: 'pod', containerId, cgroupPath: p.cgroup_path };
  const podUid = p.cgroup_path ? podUidOf(p.cgroup_path) : null;
  return podUid ? { type: 'pod', containerId, podUid, cgroupPath: p.cgroup_path } : { type: 'host' };
}

// A process in a pod's cgroup but in no container scope (e.g. a pod-level slice) still has a uid.
const POD_SLICE = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;
function podUidOnly(path: string): string | null {
  const m = POD_SLICE.exec(path);
  return m ? m[1]!.replace(/_/g, '-') : null;
}

/** The key a target's events carry when nothing better is known (as on events.raw). */
export function fallbackKey(event: Routable, t: Target, rawKey: string | null): string {
  const uid = t.type === 'pod' ? uidOf(t) : null;
  if (uid) return uid;
  return rawKey ?? (t.type === 'pod' && t.containerId ? `${event.node}/${t.containerId}` : event.node);
}

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Builds enriched events; keeps one host block per node so host events allocate nothing extra. */
export class Resolver {
  private readonly hostBlocks = new Map<string, K8s>();

  constructor(private readonly lookup: Lookup, private readonly cluster: string) {}

  /**
   * The enriched event, or undefined when it is worth waiting: its container is not known yet.
   * `final` means no more waiting: the pod alone, or nothing, is what there is.
   */
  resolve<E extends Routable>(event: E, t: Target, rawKey: string | null, final: boolean): Enriched<E> | undefined {
    if (t.type === 'host') {
      // An audit event about a pod gets that pod's context and key, so it meets the pod's kernel
      // events in one partition (sequence rules: kubectl exec, then a shell in the pod).
      const a = event.kind === 'k8s_audit' && event.audit?.resource === 'pods' && event.audit.namespace && event.audit.name ? event.audit : null;
      const pod = a ? this.lookup.byPodName?.(a.namespace!, a.name!) : undefined;
      if (pod) return this.out(event, pod.block.pod_uid!, 'resolved', pod.block);
      return this.out(event, event.node, 'host', this.hostBlock(event.node));
    }
    const byContainer = t.containerId ? this.lookup.byContainerId(t.containerId) : undefined;
    if (byContainer) return this.out(event, byContainer.block.pod_uid!, 'resolved', byContainer.block);
    const uid = uidOf(t);
    const byPod = uid ? this.lookup.byPodUid(uid) : undefined;
    // A known pod without this container in its status yet: wait for the kubelet's update, then
    // settle for the pod-level context.
    if (byPod && (final || !t.containerId)) return this.out(event, byPod.block.pod_uid!, 'resolved', byPod.block);
    if (!final) return undefined;
    return this.out(event, fallbackKey(event, t, rawKey), 'unresolved', this.hostBlock(event.node));
  }

  private hostBlock(node: string): K8s {
    let b = this.hostBlocks.get(node);
    if (!b) {
      b = {
        cluster: this.cluster, namespace: null, namespace_labels: EMPTY, pod: null, pod_uid: null, pod_labels: EMPTY, pod_annotations: EMPTY,
        container: null, image: null, image_id: null, service_account: null, node, owner_kind: null, owner_name: null,
        workload_kind: null, workload_name: null, privileged: false, host_pid: false, host_network: false, host_ipc: false, host_path_mounts: [],
      };
      if (this.hostBlocks.size > 10_000) this.hostBlocks.clear();
      this.hostBlocks.set(node, b);
    }
    return b;
  }

  private out<E extends Routable>(event: E, key: string, outcome: Enrichment, k8s: K8s): Enriched<E> {
    return { key, outcome, event: { ...event, enrichment: outcome, k8s } };
  }
}
