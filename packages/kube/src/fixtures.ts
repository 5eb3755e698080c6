import { AuthenticationV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, loadAllYaml, setHeaderOptions, type KubeConfig, type KubernetesObject, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { writeKubeconfig } from './kubeconfig.js';

/**
 * What tests (and later features: server-side dry-run, the audit webhook) do against the local
 * server. There is no kubelet and no controller manager: pods never run and nothing fills in
 * defaults those would, so these helpers do it the way those components would.
 */

/** A namespace and its "default" service account (normally made by the controller manager; pod admission needs it). */
export async function createNamespace(kc: KubeConfig, name: string, labels: Record<string, string> = {}): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels } } });
  await core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } });
}

export interface ContainerState {
  name: string;
  /** Runtime id without prefix (64 hex) */
  id: string;
  /** Prefix of containerID, as the kubelet writes it; default containerd. */
  runtime?: string;
  image?: string;
  imageID?: string;
}

/** One entry of status.containerStatuses as a kubelet reports a running container. */
export function runningStatus(c: ContainerState): V1ContainerStatus {
  return {
    name: c.name,
    containerID: `${c.runtime ?? 'containerd'}://${c.id}`,
    image: c.image ?? 'docker.io/library/nginx:1.27',
    imageID: c.imageID ?? 'docker.io/library/nginx@sha256:0c86dddac19f2ce4fd716ac58c0fd87bf69bfd4edabfd6971fb885bafd12a00b',
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: new Date() } },
  };
}

export interface PodStatusPatch {
  containers?: ContainerState[];
  initContainers?: ContainerState[];
  ephemeralContainers?: ContainerState[];
  nodeName?: string;
}

/** Patches a pod's status subresource the way a kubelet does once its containers run. */
export async function setPodRunning(kc: KubeConfig, namespace: string, name: string, p: PodStatusPatch): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const status: Record<string, unknown> = { phase: 'Running', podIP: '10.244.0.10', hostIP: '127.0.0.1', startTime: new Date().toISOString() };
  if (p.containers) status.containerStatuses = p.containers.map(runningStatus);
  if (p.initContainers) status.initContainerStatuses = p.initContainers.map(runningStatus);
  if (p.ephemeralContainers) status.ephemeralContainerStatuses = p.ephemeralContainers.map(runningStatus);
  return core.patchNamespacedPodStatus({ namespace, name, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** Patches the raw status object, for tests that feed the server odd but accepted values. */
export async function patchPodStatus(kc: KubeConfig, namespace: string, name: string, status: Record<string, unknown>): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  return core.patchNamespacedPodStatus({ namespace, name, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** Creates every object of a multi-document YAML manifest (e.g. k8s/base/enricher-rbac.yaml). */
export async function applyManifest(kc: KubeConfig, yaml: string): Promise<KubernetesObject[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const out: KubernetesObject[] = [];
  for (const doc of loadAllYaml(yaml) as KubernetesObject[]) {
    if (!doc) continue;
    out.push(await api.create(doc));
  }
  return out;
}

/**
 * A kubeconfig that authenticates as a service account, with a token from the TokenRequest API,
 * so a test sees exactly what that account's RBAC allows.
 */
export async function serviceAccountKubeconfig(kc: KubeConfig, o: { namespace: string; serviceAccount: string; path: string; caFile: string; seconds?: number }): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const tr = await core.createNamespacedServiceAccountToken({
    namespace: o.namespace,
    name: o.serviceAccount,
    body: { spec: { audiences: [], expirationSeconds: o.seconds ?? 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${o.namespace}/${o.serviceAccount} returned no token`);
  const server = kc.getCurrentCluster()?.server ?? '';
  writeKubeconfig(o.path, { server, caFile: o.caFile, token, user: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`, namespace: o.namespace });
  return o.path;
}

/** Who the kubeconfig authenticates as, per the server (SelfSubjectReview). */
export async function whoAmI(kc: KubeConfig): Promise<string> {
  const api = kc.makeApiClient(AuthenticationV1Api);
  const r = await api.createSelfSubjectReview({ body: {} });
  return r.status?.userInfo?.username ?? '';
}
