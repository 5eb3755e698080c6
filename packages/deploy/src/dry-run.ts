import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Manifest, Workload } from './manifests.js';

const FIELD_MANAGER = 'tracehound-deploy-check';

/**
 * Renames namespaces throughout rendered manifests (metadata, Namespace objects, binding
 * subjects), so a check can run beside a real installation on the same API server.
 */
export function renamespace(objects: Manifest[], names: Record<string, string>): Manifest[] {
  return objects.map((o) => {
    const copy = structuredClone(o) as Manifest & { subjects?: Array<{ namespace?: string }> };
    const map = (n?: string) => (n && names[n]) || n;
    if (copy.kind === 'Namespace') copy.metadata!.name = map(copy.metadata!.name);
    if (copy.metadata?.namespace) copy.metadata.namespace = map(copy.metadata.namespace);
    for (const s of copy.subjects ?? []) s.namespace = map(s.namespace);
    return copy;
  });
}

/** What `kubectl apply --server-side --dry-run=server` does: full admission and validation, nothing stored. */
export async function dryRunApply(kc: KubeConfig, o: KubernetesObject): Promise<KubernetesObject> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  return api.patch(o, undefined, 'All', FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

/** Creates (for real) what a dry run cannot do without: the namespaces, with their labels, and service accounts. */
export async function applyForReal(kc: KubeConfig, o: KubernetesObject): Promise<KubernetesObject> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  return api.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

/** A Pod made from a workload's template, dry-run created: Pod Security admission judges it against its namespace. */
export async function dryRunPod(kc: KubeConfig, w: Workload, namespace = w.object.metadata!.namespace!): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const template = (w.object.spec as { template: { metadata?: Record<string, unknown> } }).template;
  const body: V1Pod = { metadata: { ...template.metadata, name: `${w.object.metadata!.name}-check`, namespace }, spec: w.pod };
  return core.createNamespacedPod({ namespace, body, dryRun: 'All' });
}
