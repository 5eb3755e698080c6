/**
 * What the enricher keeps of a pod: a compact projection, never the whole object (a pod object is
 * several kilobytes; the budget is 2 MB per 1,000 pods). The pod index turns it into finished K8s
 * blocks (cache/blocks.ts) and keeps only those.
 */
export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

export interface Workload {
  kind: string;
  name: string;
}

export interface ContainerInfo {
  name: string;
  /** runtime id, prefix stripped */
  id: string | null;
  image: string | null;
  imageId: string | null;
  privileged: boolean;
  /** host paths of the hostPath volumes this container mounts */
  hostPaths: string[];
}

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  serviceAccount: string | null;
  node: string | null;
  owner: OwnerRef | null;
  hostPID: boolean;
  hostNetwork: boolean;
  hostIPC: boolean;
  /** hostPath volumes of the whole pod, for events whose container is not known */
  hostPaths: string[];
  containers: ContainerInfo[];
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}
