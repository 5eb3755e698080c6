/**
 * Shared by the enricher benchmarks: realistic pod objects (as the API returns them: labels,
 * a long last-applied annotation, owner, two containers, runtime-prefixed ids) and raw events
 * pointing at them, plus an in-memory KubeApi that lists those pods and whose watches stay quiet.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sampleEvent, sampleProcess, type Event } from '@tracehound/schemas';
import type { KubeApi } from '../services/enricher/src/adapters/kube-api.js';

export interface BenchPod {
  uid: string;
  containerIds: string[];
  object: Record<string, unknown>;
}

const hex = (n: number) => randomBytes(n).toString('hex');

const hashes = new Map<number, { hash: string; uid: string }>();
const rs = (n: number) => hashes.get(n) ?? (hashes.set(n, { hash: hex(5).slice(0, 10), uid: randomUUID() }), hashes.get(n)!);
const appHash = (n: number) => rs(n).hash;
const rsUid = (n: number) => rs(n).uid;

export function makePods(n: number, namespaces = 50): BenchPod[] {
  return Array.from({ length: n }, (_, i) => {
    const uid = randomUUID();
    const ns = `team-${i % namespaces}`;
    const app = `svc-${i % 400}`;
    // A Deployment's pods share its ReplicaSet (and pod-template-hash), as in a real cluster.
    const hash = appHash(i % 400);
    const ids = [hex(32), hex(32)];
    const hostPath = i % 20 === 0;
    const object = {
      metadata: {
        name: `${app}-${hash}-${hex(3).slice(0, 5)}`, namespace: ns, uid, resourceVersion: String(1000 + i),
        labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/version': '1.4.2', 'pod-template-hash': hash, tier: 'backend' },
        annotations: {
          'kubectl.kubernetes.io/default-container': 'app',
          'prometheus.io/scrape': 'true',
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: { containers: [{ name: 'app', image: `registry.example/${app}:1.4.2`, env: Array.from({ length: 20 }, (_, k) => ({ name: `VAR_${k}`, value: 'x'.repeat(20) })) }] } }),
        },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: rsUid(i % 400), controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        nodeName: `node-${i % 100}`, serviceAccountName: app,
        volumes: hostPath ? [{ name: 'host', hostPath: { path: '/var/log' } }] : [{ name: 'tmp', emptyDir: {} }],
        containers: [
          { name: 'app', image: `registry.example/${app}:1.4.2`, volumeMounts: [{ name: hostPath ? 'host' : 'tmp', mountPath: '/data' }] },
          { name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.31.0', securityContext: { privileged: false } },
        ],
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', containerID: `containerd://${ids[0]}`, image: `registry.example/${app}:1.4.2`, imageID: `registry.example/${app}@sha256:${hex(32)}`, ready: true, restartCount: 0 },
          { name: 'envoy', containerID: `containerd://${ids[1]}`, image: 'docker.io/envoyproxy/envoy:v1.31.0', imageID: `docker.io/envoyproxy/envoy@sha256:${hex(32)}`, ready: true, restartCount: 0 },
        ],
      },
    };
    return { uid, containerIds: ids, object };
  });
}

/** A raw event per pod container, 1 in 10 from a host process. */
export function makeEvents(pods: BenchPod[], n: number): Event[] {
  return Array.from({ length: n }, (_, i) => {
    const pod = pods[i % pods.length]!;
    const cid = pod.containerIds[i % 2]!;
    const host = i % 10 === 9;
    return sampleEvent('process_exec', {
      id: `bench-${i}`, node: `node-${i % 100}`,
      process: sampleProcess({
        container_id: host ? null : cid,
        cgroup_path: host ? '/system.slice/containerd.service' : `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod.uid.replace(/-/g, '_')}.slice/cri-containerd-${cid}.scope`,
      }),
    });
  });
}

/**
 * Lists the given pods (fresh copies, as if parsed from the API's JSON) and their namespaces;
 * watches never deliver; owners resolve to a Deployment.
 */
export function fakeKubeApi(pods: BenchPod[]): KubeApi {
  const namespaces = [...new Set(pods.map((p) => (p.object.metadata as { namespace: string }).namespace))]
    .map((name) => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, team: name } } }));
  return {
    server: 'memory',
    async list(resource) {
      const items = resource === 'pods' ? pods.map((p) => p.object) : namespaces;
      return { items: JSON.parse(JSON.stringify(items)) as unknown[], resourceVersion: '1' };
    },
    async watch() {
      return { abort: () => undefined };
    },
    async getOwner(_kind, _ns, name) {
      return { uid: '', owner: { kind: 'Deployment', name: name.replace(/-[^-]+$/, ''), uid: '' } };
    },
  };
}
