import t from 'tap';
import { createNamespace, patchPodStatus, setPodRunning } from '@tracehound/kube';
import { metricValue, testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, createDeploymentPod, enricherKubeconfig, forceDeletePod, hostEvent, startPipeline, testKube, uniqueName } from './helpers.js';

// One real API server (shared, started if needed), real Kafka and registry from the stack; the
// enricher runs as the service account k8s/base/enricher-rbac.yaml binds, nothing more.
const kube = await testKube();
const kubeconfig = await enricherKubeconfig(kube);
const { kafka, prefix, registryUrl } = await testKafka('enricher', ['eventsRaw', 'eventsEnriched', 'deadLetter']);
const ns = uniqueName('enr');
await createNamespace(kube.admin, ns, { team: 'payments', 'pod-security.kubernetes.io/enforce': 'privileged' });

const { enricher, raw, out } = await startPipeline(t, {
  prefix, kubeconfig, kafka, registryUrl, env: { TRACEHOUND_ENRICHER_HOLD_MS: '8000', TRACEHOUND_ENRICHER_DELETED_TTL_MS: '120000' },
});

t.test('ready only after the first full list', async (t) => {
  t.ok(enricher.ready(), 'synced with the API server');
  t.equal(await metricValue('tracehound_enricher_synced', { resource: 'pods' }), 1);
});

t.test('a running pod of a Deployment: every field, owner resolved to the Deployment', async (t) => {
  const app = uniqueName('web');
  const cid = containerId();
  const initCid = containerId();
  const d = await createDeploymentPod(kube.admin, ns, app, {
    serviceAccountName: 'default',
    hostPID: true,
    hostNetwork: true,
    volumes: [{ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock' } }, { name: 'logs', hostPath: { path: '/var/log' } }],
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true }, volumeMounts: [{ name: 'docker-sock', mountPath: '/var/run/docker.sock' }] }],
  }, { 'tracehound.dev/owner': 'team-a', team: 'payments', 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"x"}' });
  await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, {
    containers: [{ name: 'web', id: cid, image: 'docker.io/library/nginx:1.27', imageID: 'docker.io/library/nginx@sha256:abc' }],
    initContainers: [{ name: 'init', id: initCid, runtime: 'cri-o', image: 'docker.io/library/busybox:1.36' }],
  });
  await raw.send([containerEvent('full-1', cid, d.uid), containerEvent('full-init', initCid, null)]);

  const { key, event } = await out.waitFor('full-1');
  t.equal(key, d.uid, 'keyed by pod uid');
  t.equal(event.enrichment, 'resolved');
  t.same(event.k8s, {
    cluster: 'test-cluster',
    namespace: ns,
    namespace_labels: { team: 'payments', 'pod-security.kubernetes.io/enforce': 'privileged', 'kubernetes.io/metadata.name': ns },
    pod: d.pod.metadata!.name,
    pod_uid: d.uid,
    pod_labels: { app, 'pod-template-hash': '7d4b9c' },
    pod_annotations: { 'tracehound.dev/owner': 'team-a', team: 'payments' },
    container: 'web',
    image: 'docker.io/library/nginx:1.27',
    image_id: 'docker.io/library/nginx@sha256:abc',
    service_account: 'default',
    node: 'node-1',
    owner_kind: 'ReplicaSet',
    owner_name: d.replicaSet,
    workload_kind: 'Deployment',
    workload_name: d.deployment,
    privileged: true,
    host_pid: true,
    host_network: true,
    host_ipc: false,
    host_path_mounts: ['/var/run/docker.sock'],
  });
  t.equal(event.process?.container_id, cid, 'the rest of the event is unchanged');

  const init = await out.waitFor('full-init');
  t.equal(init.event.k8s?.container, 'init', 'init container (cri-o:// prefix) found by id alone');
  t.equal(init.event.k8s?.privileged, false);
  t.same(init.event.k8s?.host_path_mounts, []);
});

t.test('ephemeral containers (kubectl debug) resolve too', async (t) => {
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('dbg'));
  const cid = containerId();
  await patchPodStatus(kube.admin, ns, d.pod.metadata!.name!, {
    phase: 'Running',
    ephemeralContainerStatuses: [{ name: 'debugger', containerID: `containerd://${cid}`, image: 'busybox', imageID: '', ready: false, restartCount: 0 }],
  });
  await raw.send([containerEvent('eph-1', cid, d.uid)]);
  const { event } = await out.waitFor('eph-1');
  t.equal(event.k8s?.container, 'debugger');
  t.equal(event.k8s?.pod_uid, d.uid);
});

t.test('an event before its pod is known is held, then enriched when the pod appears 2 s later', async (t) => {
  const cid = containerId();
  const heldBefore = await metricValue('tracehound_enricher_held_total');
  // The uid is not known before the pod exists: the agent's event carries the container id only.
  await raw.send([containerEvent('early-1', cid, null)]);
  await new Promise((r) => setTimeout(r, 2_000));
  t.notOk(out.enriched.has('early-1'), 'not passed on as unresolved while the pod is missing');
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('early'));
  await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, { containers: [{ name: 'web', id: cid }] });
  const { event, key } = await out.waitFor('early-1', 15_000);
  t.equal(event.enrichment, 'resolved', 'enriched, not unresolved');
  t.equal(event.k8s?.pod_uid, d.uid);
  t.equal(event.k8s?.workload_kind, 'Deployment');
  t.equal(key, d.uid);
  t.ok((await metricValue('tracehound_enricher_held_total')) > heldBefore, 'counted as held');
});

t.test('pod known by the uid in its cgroup path before its container id is: held, then the container resolves', async (t) => {
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('starting'));
  const cid = containerId();
  await raw.send([containerEvent('pod-first-1', cid, d.uid)]);
  await new Promise((r) => setTimeout(r, 1_000));
  await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, { containers: [{ name: 'web', id: cid }] });
  const { event } = await out.waitFor('pod-first-1', 15_000);
  t.equal(event.k8s?.container, 'web', 'container filled in once the kubelet reported it');
});

t.test('host processes: enrichment=host, keyed by node, never held', async (t) => {
  await raw.send([hostEvent('host-1', 'node-7')]);
  const { event, key } = await out.waitFor('host-1', 10_000);
  t.equal(event.enrichment, 'host');
  t.equal(key, 'node-7');
  t.equal(event.k8s?.node, 'node-7');
  t.equal(event.k8s?.cluster, 'test-cluster');
  t.equal(event.k8s?.pod, null);
});

t.test('a container nobody knows goes on unresolved after the hold, never dropped', async (t) => {
  const cid = containerId();
  const started = Date.now();
  await raw.send([containerEvent('nobody-1', cid, null, 'node-3')]);
  const { event, key } = await out.waitFor('nobody-1', 20_000);
  t.equal(event.enrichment, 'unresolved');
  t.ok(Date.now() - started >= 7_000, 'held for the configured time first');
  t.equal(key, `node-3/${cid}`, 'keeps the raw key');
  t.equal(event.k8s?.cluster, 'test-cluster');
});

t.test('bad input from the API server: odd containerIDs are counted and logged, events still flow', async (t) => {
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('odd'), {
    containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }],
  });
  const cidA = containerId();
  const unknownBefore = await metricValue('tracehound_enricher_unknown_runtime_total', { runtime: 'rkt' });
  const malformedBefore = await metricValue('tracehound_enricher_malformed_objects_total', { resource: 'pods' });
  await patchPodStatus(kube.admin, ns, d.pod.metadata!.name!, {
    containerStatuses: [
      { name: 'a', containerID: `rkt://${cidA}`, image: 'x', imageID: '', ready: true, restartCount: 0 },
      { name: 'b', containerID: 'not-a-container-id', image: 'y', imageID: '', ready: true, restartCount: 0 },
    ],
  });
  await raw.send([containerEvent('odd-a', cidA, d.uid), containerEvent('odd-b', containerId(), d.uid)]);
  t.equal((await out.waitFor('odd-a')).event.k8s?.container, 'a', 'unknown runtime prefix stripped, id used');
  const b = await out.waitFor('odd-b', 20_000);
  t.equal(b.event.enrichment, 'resolved', 'the pod (from the cgroup uid) still enriches the unparseable container');
  t.equal(b.event.k8s?.container, null);
  t.ok((await metricValue('tracehound_enricher_unknown_runtime_total', { runtime: 'rkt' })) > unknownBefore, 'unknown runtime counted');
  t.ok((await metricValue('tracehound_enricher_malformed_objects_total', { resource: 'pods' })) > malformedBefore, 'malformed containerID counted');
});

t.test('a deleted pod stays resolvable: late event 30 s after deletion is still enriched', async (t) => {
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('gone'));
  const cid = containerId();
  await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, { containers: [{ name: 'web', id: cid }] });
  await raw.send([containerEvent('gone-0', cid, d.uid)]);
  await out.waitFor('gone-0');
  await forceDeletePod(kube.admin, ns, d.pod.metadata!.name!);
  const deadline = Date.now() + 10_000;
  while (enricher.cache.pods.get(d.uid)?.deleted !== true && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.equal(enricher.cache.pods.get(d.uid)?.deleted, true, 'the watch saw the deletion');
  await new Promise((r) => setTimeout(r, 30_000));
  await raw.send([containerEvent('gone-late', cid, d.uid)]);
  const { event } = await out.waitFor('gone-late');
  t.equal(event.enrichment, 'resolved');
  t.equal(event.k8s?.pod, d.pod.metadata!.name);
  t.equal(event.k8s?.workload_name, d.deployment);
});

t.test('per-partition order: a pod\'s events come out in the order they went in', async (t) => {
  const d = await createDeploymentPod(kube.admin, ns, uniqueName('order'));
  const cid = containerId();
  await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, { containers: [{ name: 'web', id: cid }] });
  const ids = Array.from({ length: 200 }, (_, i) => `order-${i}`);
  await raw.send(ids.map((id) => containerEvent(id, cid, d.uid)));
  await out.waitFor('order-199');
  const seen = [...out.enriched.keys()].filter((k) => k.startsWith('order-'));
  t.same(seen, ids);
});
