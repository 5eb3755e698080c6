import type { K8s } from '@tracehound/schemas';
import type { ContainerInfo, PodInfo, Workload } from '../kube/model.js';

/**
 * The K8s block of a pod's events, per container (or for the pod as a whole when the event's
 * container is not in the status yet), namespace labels included. Built when the pod or its
 * namespace changes and shared by all its events (and by the encoder's byte cache), so objects
 * here are never mutated after they are built: a change builds new ones.
 */
export function buildBlock(cluster: string, pod: PodInfo, workload: Workload | null, c: ContainerInfo | null, namespaceLabels: Record<string, string>): K8s {
  return {
    cluster,
    namespace: pod.namespace,
    namespace_labels: namespaceLabels,
    pod: pod.name,
    pod_uid: pod.uid,
    pod_labels: pod.labels,
    pod_annotations: pod.annotations,
    container: c?.name ?? null,
    image: c?.image ?? null,
    image_id: c?.imageId ?? null,
    service_account: pod.serviceAccount,
    node: pod.node,
    owner_kind: pod.owner?.kind ?? null,
    owner_name: pod.owner?.name ?? null,
    workload_kind: workload?.kind ?? null,
    workload_name: workload?.name ?? null,
    // Without a known container, privileged means "some container of the pod is".
    privileged: c ? c.privileged : pod.containers.some((x) => x.privileged),
    host_pid: pod.hostPID,
    host_network: pod.hostNetwork,
    host_ipc: pod.hostIPC,
    host_path_mounts: c ? c.hostPaths : pod.hostPaths,
  };
}
