import type { Logger } from '@tracehound/logging';
import type { KubeApi, Resource } from '../adapters/kube-api.js';
import { NamespaceIndex } from '../cache/namespace-index.js';
import { OwnerResolver } from '../cache/owners.js';
import { PodIndex } from '../cache/pod-index.js';
import { metrics } from '../metrics.js';
import type { AnnotationFilter } from './annotations.js';
import { Interner } from './intern.js';
import { Informer } from './informer.js';
import type { PodInfo } from './model.js';
import { objectKey, projectNamespace, projectPod, type ProjectionIssue } from './project-pod.js';

export interface ClusterCacheOptions {
  api: KubeApi;
  cluster: string;
  logger: Logger;
  keepAnnotation: AnnotationFilter;
  deletedTtlMs: number;
  resyncMs: number;
  /** Tests shorten the informers' backoff and watch timeouts. */
  informer?: { backoff?: { initialDelayMs: number; maxDelayMs: number }; watchTimeoutSeconds?: [number, number] };
  sweepEveryMs?: number;
}

/**
 * Pods and namespaces of the cluster as the enricher needs them: two informers feeding a pod
 * index (by container id and by pod uid, deleted pods kept for a while) and a namespace index,
 * with owners resolved up to the workload before a pod is published.
 */
export class ClusterCache {
  readonly pods: PodIndex;
  readonly namespaces = new NamespaceIndex();
  readonly owners: OwnerResolver;
  private readonly podInformer: Informer;
  private readonly nsInformer: Informer;
  /** Pods waiting for their owner lookup; only the newest projection per uid is published. */
  private readonly awaitingOwner = new Map<string, PodInfo>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly warnedRuntimes = new Set<string>();
  private readonly intern = new Interner();

  constructor(private readonly o: ClusterCacheOptions) {
    this.pods = new PodIndex(o.cluster, o.deletedTtlMs, (ns) => this.namespaces.get(ns));
    this.owners = new OwnerResolver({
      get: o.api.getOwner,
      onLookup: (result, kind, err) => {
        metrics.ownerLookups.inc({ kind, result });
        if (err) o.logger.warn({ kind, err: (err as Error).message }, `owner lookup failed; workload left empty: ${(err as Error).message}`);
      },
    });
    this.podInformer = this.informer('pods', {
      replace: (items) => {
        const uids = new Set<string>();
        for (const item of items) {
          const uid = this.onPod(item);
          if (uid) uids.add(uid);
        }
        const gone = this.pods.retainOnly(uids);
        if (gone) o.logger.info({ gone }, `${gone} pods vanished while the watch was away; kept as deleted for late events`);
        this.publishSizes();
      },
      upsert: (obj) => {
        this.onPod(obj);
        this.publishSizes();
      },
      remove: (obj) => {
        const { uid } = objectKey(obj);
        if (uid) {
          this.awaitingOwner.delete(uid);
          this.pods.remove(uid);
        } else this.malformed('pods', 'deleted object without uid');
        this.publishSizes();
      },
    });
    this.nsInformer = this.informer('namespaces', {
      replace: (items) => {
        const names = new Set<string>();
        for (const item of items) {
          const name = this.onNamespace(item);
          if (name) names.add(name);
        }
        this.namespaces.retainOnly(names);
        this.publishSizes();
      },
      upsert: (obj) => {
        this.onNamespace(obj);
        this.publishSizes();
      },
      remove: (obj) => {
        const { name } = objectKey(obj);
        if (name) this.namespaces.remove(name);
        this.publishSizes();
      },
    });
  }

  start(): void {
    this.podInformer.start();
    this.nsInformer.start();
    this.sweeper = setInterval(() => this.sweep(), this.o.sweepEveryMs ?? 10_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([this.podInformer.stop(), this.nsInformer.stop()]);
  }

  /** Both first lists are in: the cache reflects the cluster. */
  get synced(): boolean {
    return this.podInformer.synced && this.nsInformer.synced;
  }

  async waitSynced(timeoutMs: number): Promise<boolean> {
    const [a, b] = await Promise.all([this.podInformer.waitSynced(timeoutMs), this.nsInformer.waitSynced(timeoutMs)]);
    return a && b;
  }

  sweep(now = Date.now()): void {
    this.pods.sweep(now);
    this.namespaces.sweep(this.o.deletedTtlMs, now);
    this.publishSizes();
  }

  private informer(resource: Resource, handlers: ConstructorParameters<typeof Informer>[0]['handlers']): Informer {
    return new Informer({
      resource,
      api: this.o.api,
      handlers,
      logger: this.o.logger,
      resyncMs: this.o.resyncMs,
      ...(this.o.informer ?? {}),
      onList: (reason) => metrics.relists.inc({ resource, reason }),
      onRestart: (reason) => metrics.watchRestarts.inc({ resource, reason }),
      onError: (err, op) => metrics.kubeErrors.inc({ resource, op, status: String(err.details.status ?? 'none') }),
      onSynced: () => metrics.synced.set({ resource }, 1),
    });
  }

  /** Projects and publishes one pod (after its owner lookup when needed); returns its uid. */
  private onPod(obj: unknown): string | undefined {
    const p = projectPod(obj, this.o.keepAnnotation, this.intern);
    if (!p.ok) {
      this.malformed('pods', p.reason, objectKey(obj));
      return undefined;
    }
    for (const issue of p.issues) this.issue(issue, p.value);
    const info = p.value;
    const workload = this.owners.cached(info.namespace, info.owner);
    if (workload !== undefined) {
      this.awaitingOwner.delete(info.uid);
      this.pods.upsert(info, workload);
      return info.uid;
    }
    this.awaitingOwner.set(info.uid, info);
    void this.owners.resolve(info.namespace, info.owner).then((w) => {
      if (this.awaitingOwner.get(info.uid) !== info) return; // a newer version, or deleted meanwhile
      this.awaitingOwner.delete(info.uid);
      this.pods.upsert(info, w);
      this.publishSizes();
    });
    return info.uid;
  }

  private onNamespace(obj: unknown): string | undefined {
    const p = projectNamespace(obj);
    if (!p.ok) {
      this.malformed('namespaces', p.reason, objectKey(obj));
      return undefined;
    }
    if (this.namespaces.upsert(p.value.name, this.intern.map(p.value.labels))) this.pods.refreshNamespace(p.value.name);
    return p.value.name;
  }

  private issue(issue: ProjectionIssue, pod: PodInfo): void {
    if (issue.runtime) {
      metrics.unknownRuntime.inc({ runtime: issue.runtime });
      // Once per runtime: a cluster on an unusual runtime would otherwise log every pod.
      if (!this.warnedRuntimes.has(issue.runtime)) {
        this.warnedRuntimes.add(issue.runtime);
        this.o.logger.warn({ runtime: issue.runtime, pod: `${pod.namespace}/${pod.name}` }, `containerID with unknown runtime prefix "${issue.runtime}://"; the id is used as it is`);
      }
      return;
    }
    this.malformed('pods', issue.reason, { uid: pod.uid, name: pod.name, namespace: pod.namespace });
  }

  private malformed(resource: Resource, reason: string, key: { uid: string | null; name: string | null; namespace: string | null } = { uid: null, name: null, namespace: null }): void {
    metrics.malformed.inc({ resource, reason });
    const object = key.name ? `${key.namespace ? `${key.namespace}/` : ''}${key.name}` : null;
    this.o.logger.warn({ resource, reason, uid: key.uid, object }, `malformed ${resource} object${object ? ` ${object}` : ''}: ${reason}`);
  }

  private publishSizes(): void {
    const s = this.pods.sizes;
    metrics.cachePods.set({ state: 'live' }, s.live);
    metrics.cachePods.set({ state: 'deleted' }, s.deleted);
    metrics.cacheContainers.set(s.containers);
    metrics.cacheNamespaces.set(this.namespaces.size);
    metrics.cacheOwners.set(this.owners.size);
  }
}
