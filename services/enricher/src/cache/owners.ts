import { errorMessage } from '@tracehound/errors';
import type { OwnerRef, Workload } from '../kube/model.js';

/** Reads one owner object: its uid and its own controlling owner. Adapters implement it. */
export type OwnerGetter = (kind: string, namespace: string, name: string) => Promise<{ uid: string; owner: OwnerRef | null }>;

/**
 * Owner kinds looked up one level further, and the workload kinds expected above them. One line
 * per kind; each needs `get` on that resource in k8s/base/enricher-rbac.yaml, and nothing else does.
 */
export const OWNER_CHAINS: Record<string, string[]> = {
  ReplicaSet: ['Deployment'],
  Job: ['CronJob'],
};

interface Cached {
  uid: string;
  workload: Workload | null;
  /** failed lookups are cached briefly, not forever */
  expires: number;
}

export interface OwnerResolverOptions {
  get: OwnerGetter;
  onLookup?: (result: 'ok' | 'error', kind: string, err?: unknown) => void;
  failureTtlMs?: number;
  timeoutMs?: number;
  maxEntries?: number;
}

/**
 * Resolves a pod's controlling owner up to its workload (ReplicaSet → Deployment, Job → CronJob)
 * with `get` calls cached by owner, so a Deployment's thousand pods cost one request. Other
 * owners (StatefulSet, DaemonSet, …) are the workload themselves; a failed lookup gives null.
 */
export class OwnerResolver {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Workload | null>>();

  constructor(private readonly o: OwnerResolverOptions) {}

  /** The workload when it is known without a request; undefined when `resolve` must ask. */
  cached(namespace: string, owner: OwnerRef | null, now = Date.now()): Workload | null | undefined {
    if (!owner) return null;
    if (!OWNER_CHAINS[owner.kind]) return { kind: owner.kind, name: owner.name };
    const hit = this.cache.get(key(namespace, owner));
    if (hit && (hit.uid === owner.uid || owner.uid === '') && hit.expires > now) return hit.workload;
    return undefined;
  }

  resolve(namespace: string, owner: OwnerRef | null): Promise<Workload | null> {
    const known = this.cached(namespace, owner);
    if (known !== undefined || !owner) return Promise.resolve(known ?? null);
    const k = key(namespace, owner);
    let p = this.inflight.get(k);
    if (!p) {
      p = this.lookup(namespace, owner).finally(() => this.inflight.delete(k));
      this.inflight.set(k, p);
    }
    return p;
  }

  private async lookup(namespace: string, owner: OwnerRef): Promise<Workload | null> {
    const k = key(namespace, owner);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.o.timeoutMs ?? 5_000} ms`)), this.o.timeoutMs ?? 5_000);
      });
      const got = await Promise.race([this.o.get(owner.kind, namespace, owner.name), timeout]);
      const parent = got.owner && OWNER_CHAINS[owner.kind]!.includes(got.owner.kind) ? got.owner : null;
      const workload = parent ? { kind: parent.kind, name: parent.name } : { kind: owner.kind, name: owner.name };
      this.store(k, { uid: got.uid, workload, expires: Number.POSITIVE_INFINITY });
      this.o.onLookup?.('ok', owner.kind);
      return workload;
    } catch (err) {
      this.store(k, { uid: owner.uid, workload: null, expires: Date.now() + (this.o.failureTtlMs ?? 60_000) });
      this.o.onLookup?.('error', owner.kind, new Error(`${owner.kind} ${namespace}/${owner.name}: ${errorMessage(err)}`, { cause: err }));
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private store(k: string, v: Cached): void {
    // Owners of live pods are few; a cap keeps a pathological cluster from growing this forever.
    if (this.cache.size >= (this.o.maxEntries ?? 50_000)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(k, v);
  }

  get size(): number {
    return this.cache.size;
  }
}

const key = (namespace: string, o: OwnerRef) => `${namespace}/${o.kind}/${o.name}`;
