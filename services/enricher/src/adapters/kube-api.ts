import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import type { OwnerGetter } from '../cache/owners.js';
import type { OwnerRef } from '../kube/model.js';

export type Resource = 'pods' | 'namespaces';

export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  continue?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * The slice of the Kubernetes API the enricher uses, behind an interface so the informer logic
 * can be tested against the real server and reasoned about without it. Errors are TracehoundErrors:
 * TH_ERR_KUBE_FORBIDDEN for 401/403 (RBAC), TH_ERR_KUBE otherwise, with the HTTP status in details.
 */
export interface KubeApi {
  readonly server: string;
  list(resource: Resource, limit: number, continueToken?: string): Promise<ListPage>;
  /** Starts a watch; `onDone(null)` when the server closed it cleanly, `onDone(err)` otherwise. */
  watch(resource: Resource, resourceVersion: string, timeoutSeconds: number, onEvent: (type: WatchEventType, obj: unknown) => void, onDone: (err: TracehoundError | null) => void): Promise<{ abort(): void }>;
  getOwner: OwnerGetter;
}

export interface KubeConnection {
  /** a kubeconfig file; unset means in-cluster configuration */
  kubeconfig?: string;
  context?: string;
}

export function loadKubeConfig(c: KubeConnection): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else kc.loadFromCluster();
    if (c.context) kc.setCurrentContext(c.context);
  } catch (cause) {
    throw new TracehoundError('TH_ERR_CONFIG', `cannot load Kubernetes configuration from ${c.kubeconfig ?? 'the in-cluster service account'}: ${errorMessage(cause)}`, { cause });
  }
  const server = kc.getCurrentCluster()?.server ?? '';
  // Outside a pod, client-node's in-cluster loader still "succeeds", with https://undefined:undefined.
  if (!server || server.includes('undefined')) {
    throw new TracehoundError('TH_ERR_CONFIG', c.kubeconfig
      ? `TRACEHOUND_KUBECONFIG: no API server in ${c.kubeconfig} (context ${c.context ?? kc.getCurrentContext()})`
      : 'TRACEHOUND_KUBECONFIG: not set, and not running in a Kubernetes pod (no in-cluster service account); set it to a kubeconfig file (e.g. from `tracehound kube up`)');
  }
  return kc;
}

/** The status code and the server's own message of a client-node failure. */
function statusOf(err: unknown): { status?: number; message: string } {
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown };
  const status = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  let message = errorMessage(err);
  if (typeof e.body === 'string') {
    try {
      message = (JSON.parse(e.body) as { message?: string }).message ?? message;
    } catch {
      // not a Status object: keep the client's message
    }
  }
  return { ...(status !== undefined ? { status } : {}), message: message.split('\n')[0]!.slice(0, 500) };
}

export function kubeError(what: string, err: unknown): TracehoundError {
  const { status, message } = statusOf(err);
  const forbidden = status === 401 || status === 403;
  const hint = forbidden ? ' (the enricher needs the ClusterRole in k8s/base/enricher-rbac.yaml)' : '';
  return new TracehoundError(forbidden ? 'TH_ERR_KUBE_FORBIDDEN' : 'TH_ERR_KUBE', `${what}: ${status ? `HTTP ${status}: ` : ''}${message}${hint}`, {
    cause: err,
    details: { status: status ?? null },
  });
}

function controllerOf(meta: { ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } | undefined): OwnerRef | null {
  const refs = meta?.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  return ref ? { kind: ref.kind, name: ref.name, uid: ref.uid } : null;
}

const WATCH_PATHS: Record<Resource, string> = { pods: '/api/v1/pods', namespaces: '/api/v1/namespaces' };

export function createKubeApi(kc: KubeConfig): KubeApi {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const watcher = new Watch(kc);
  // One line per owner kind the resolver follows (cache/owners.ts OWNER_CHAINS).
  const owners: Record<string, (namespace: string, name: string) => Promise<{ metadata?: { uid?: string; ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } }>> = {
    ReplicaSet: (namespace, name) => apps.readNamespacedReplicaSet({ namespace, name }),
    Job: (namespace, name) => batch.readNamespacedJob({ namespace, name }),
  };

  return {
    server: kc.getCurrentCluster()?.server ?? '',
    async list(resource, limit, continueToken) {
      try {
        const params = { limit, ...(continueToken ? { _continue: continueToken } : {}) };
        const l = resource === 'pods' ? await core.listPodForAllNamespaces(params) : await core.listNamespace(params);
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '', ...(l.metadata?._continue ? { continue: l.metadata._continue } : {}) };
      } catch (err) {
        throw kubeError(`listing ${resource}`, err);
      }
    },
    async watch(resource, resourceVersion, timeoutSeconds, onEvent, onDone) {
      const controller = await watcher.watch(
        WATCH_PATHS[resource],
        { resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
        (type: string, obj: unknown) => onEvent(type as WatchEventType, obj),
        (err: unknown) => onDone(err ? kubeError(`watching ${resource}`, err) : null),
      );
      return { abort: () => controller.abort() };
    },
    async getOwner(kind, namespace, name) {
      const get = owners[kind];
      if (!get) throw new TracehoundError('TH_ERR_KUBE', `no lookup for owner kind ${kind}`, { retriable: false });
      try {
        const o = await get(namespace, name);
        return { uid: o.metadata?.uid ?? '', owner: controllerOf(o.metadata) };
      } catch (err) {
        throw kubeError(`reading ${kind} ${namespace}/${name}`, err);
      }
    },
  };
}
