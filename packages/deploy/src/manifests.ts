import { loadAllYaml, type KubernetesObject, type V1Container, type V1PodSpec } from '@kubernetes/client-node';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { TracehoundError } from '@tracehound/errors';

/** Rendered manifests, parsed. */
export type Manifest = KubernetesObject & { spec?: Record<string, unknown>; data?: Record<string, string> };

export function parseManifests(yaml: string): Manifest[] {
  return (loadAllYaml(yaml) as Manifest[]).filter(Boolean);
}

/**
 * The kinds Tracehound ships, each with the model that checks it against the Kubernetes API's
 * OpenAPI schema without a server. A kind not listed here fails validation: add its model.
 */
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/Namespace': Namespace, 'v1/ServiceAccount': ServiceAccount, 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/Service': Service,
  'apps/v1/Deployment': Deployment, 'apps/v1/DaemonSet': DaemonSet,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole, 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

export const describeObject = (o: KubernetesObject) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** Schema validation of one object; throws TH_ERR_INVALID_INPUT naming the object and the fields. */
export function validateManifest(o: Manifest): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new TracehoundError('TH_ERR_INVALID_INPUT', `${describeObject(o)}: no schema model for ${o.apiVersion} ${o.kind}`);
  // Kustomize wraps long base64 values over lines; the API server's decoder skips line breaks.
  const subject = o.kind === 'Secret' && o.data ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, v.replace(/\s/g, '')])) } : o;
  try {
    new Model(subject as never).validate();
  } catch (cause) {
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `${describeObject(o)}: ${(cause as Error).message}`, { cause });
  }
}

export interface Workload {
  object: Manifest;
  pod: V1PodSpec;
  container: V1Container;
  /** The `tracehound` subcommand the container runs. */
  command: string;
}

/** Every Deployment and DaemonSet container with the subcommand it runs. */
export function workloads(objects: Manifest[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
    .flatMap((o) => {
      const pod = (o.spec as { template: { spec: V1PodSpec } }).template.spec;
      return pod.containers.map((container) => ({ object: o, pod, container, command: container.args?.[0] ?? '' }));
    });
}

/**
 * The environment a container starts with: its ConfigMaps and Secrets (envFrom) and its literal
 * env values, later ones winning as in Kubernetes. Downward-API values get a stand-in.
 * `optionalSecrets`: a Secret left for an overlay to supply counts as empty (as does any
 * reference marked optional).
 */
export function containerEnvironment(w: Workload, objects: Manifest[], o: { optionalSecrets?: boolean } = {}): Record<string, string> {
  const ns = w.object.metadata?.namespace;
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === ns);
  const env: Record<string, string> = {};
  for (const from of w.container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = find(kind, ref?.name ?? '');
    if (!source && (ref?.optional || (kind === 'Secret' && o.optionalSecrets))) continue;
    if (!source) throw new TracehoundError('TH_ERR_INVALID_INPUT', `${describeObject(w.object)}: ${kind} ${ref?.name} is not in the manifests`);
    for (const [k, v] of Object.entries(source.data ?? {})) env[k] = kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  }
  for (const e of w.container.env ?? []) env[e.name] = e.value ?? (e.valueFrom ? `from-${e.valueFrom.fieldRef?.fieldPath ?? 'ref'}` : '');
  return env;
}
