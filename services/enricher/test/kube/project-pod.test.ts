import t from 'tap';
import { annotationFilter } from '../../src/kube/annotations.js';
import { projectNamespace, projectPod } from '../../src/kube/project-pod.js';
import { parseContainerId } from '../../src/kube/runtime-prefix.js';

const keep = annotationFilter('team,tracehound.dev/*');
const ID = 'ab'.repeat(32);

const pod = (over: Record<string, unknown> = {}) => ({
  metadata: { uid: 'u-1', name: 'web-1', namespace: 'shop', resourceVersion: '7', labels: { app: 'web' }, annotations: { team: 'a', 'tracehound.dev/x': 'y', big: 'z' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4', uid: 'rs-1', controller: true }] },
  spec: {
    nodeName: 'node-1', serviceAccountName: 'web', hostPID: true, hostIPC: true,
    volumes: [{ name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } }, { name: 'tmp', emptyDir: {} }],
    containers: [{ name: 'web', image: 'nginx', securityContext: { privileged: true }, volumeMounts: [{ name: 'sock' }, { name: 'tmp' }] }, { name: 'side', image: 'envoy' }],
  },
  status: { containerStatuses: [{ name: 'web', containerID: `containerd://${ID}`, image: 'docker.io/nginx:1', imageID: 'sha256:1' }] },
  ...over,
});

t.test('a pod: identity, chosen annotations, owner, security flags, per-container hostPath mounts', async (t) => {
  const p = projectPod(pod(), keep);
  if (!p.ok) throw new Error(p.reason);
  t.same(p.issues, []);
  const v = p.value;
  t.match(v, { uid: 'u-1', name: 'web-1', namespace: 'shop', serviceAccount: 'web', node: 'node-1', hostPID: true, hostIPC: true, hostNetwork: false });
  t.same(v.annotations, { team: 'a', 'tracehound.dev/x': 'y' }, 'only chosen annotations kept');
  t.same(v.owner, { kind: 'ReplicaSet', name: 'web-7d4', uid: 'rs-1' });
  t.same(v.hostPaths, ['/run/containerd/containerd.sock']);
  t.same(v.containers[0], { name: 'web', id: ID, image: 'docker.io/nginx:1', imageId: 'sha256:1', privileged: true, hostPaths: ['/run/containerd/containerd.sock'] });
  t.same(v.containers[1], { name: 'side', id: null, image: 'envoy', imageId: null, privileged: false, hostPaths: [] }, 'a container without status yet is still known by name');
});

t.test('init and ephemeral container statuses count as containers', async (t) => {
  const p = projectPod(pod({ status: {
    initContainerStatuses: [{ name: 'init', containerID: `cri-o://${ID.replace(/a/g, 'c')}` }],
    ephemeralContainerStatuses: [{ name: 'dbg', containerID: `docker://${ID.replace(/a/g, 'd')}` }],
  } }), keep);
  t.ok(p.ok);
  if (p.ok) t.same(p.value.containers.filter((c) => c.id).map((c) => c.name), ['init', 'dbg']);
});

t.test('malformed pods: refused without identity, partial when parts are odd', async (t) => {
  t.same(projectPod(null, keep), { ok: false, reason: 'not an object' });
  t.same(projectPod({ spec: {} }, keep), { ok: false, reason: 'no metadata' });
  t.same(projectPod({ metadata: { name: 'x' } }, keep), { ok: false, reason: 'metadata lacks uid, namespace' });
  const noStatus = projectPod(pod({ status: undefined }), keep);
  t.ok(noStatus.ok, 'missing status is fine (a pod just created)');
  if (noStatus.ok) t.same(noStatus.value.containers.map((c) => c.id), [null, null]);
  const weird = projectPod(pod({ spec: 'nope', status: { containerStatuses: { not: 'a list' } } }), keep);
  t.ok(weird.ok);
  if (weird.ok) t.same(weird.issues.map((i) => i.reason), ['no spec', 'status.containerStatuses is not a list']);
  const labels = projectPod(pod({ metadata: { uid: 'u', name: 'n', namespace: 'ns', labels: { a: 1, b: 'ok' } } }), keep);
  if (labels.ok) t.same(labels.value.labels, { b: 'ok' }, 'non-string label values dropped');
});

t.test('containerIDs: runtime prefixes stripped, unknown ones reported, garbage refused', async (t) => {
  t.same(parseContainerId(`containerd://${ID}`), { ok: true, runtime: 'containerd', id: ID, known: true });
  t.same(parseContainerId(`cri-o://${ID}`), { ok: true, runtime: 'cri-o', id: ID, known: true });
  t.same(parseContainerId(`docker://${ID.toUpperCase()}`), { ok: true, runtime: 'docker', id: ID, known: true }, 'lower-cased like cgroup paths');
  t.same(parseContainerId(`rkt://${ID}`), { ok: true, runtime: 'rkt', id: ID, known: false });
  t.equal(parseContainerId(ID).ok, false, 'no prefix');
  t.equal(parseContainerId('').ok, false);
  t.equal(parseContainerId('containerd://').ok, false);
  const p = projectPod(pod({ status: { containerStatuses: [{ name: 'web', containerID: `kata://${ID}` }, { name: 'side', containerID: 'garbage' }] } }), keep);
  t.ok(p.ok);
  if (p.ok) {
    t.same(p.issues, [{ reason: 'unknown runtime prefix', runtime: 'kata' }, { reason: 'containerID is not <runtime>://<id>' }]);
    t.same(p.value.containers.map((c) => c.id), [ID, null]);
  }
});

t.test('namespaces', async (t) => {
  t.same(projectNamespace({ metadata: { name: 'a', labels: { x: 'y' } } }), { ok: true, issues: [], value: { name: 'a', labels: { x: 'y' } } });
  t.equal(projectNamespace({ metadata: {} }).ok, false);
});
