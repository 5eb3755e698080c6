import t from 'tap';
import { sampleEvent, type Event } from '@tracehound/schemas';
import { PodIndex } from '../../src/cache/pod-index.js';
import { BatchEnricher } from '../../src/handlers/enrich-batch.js';
import type { PodInfo } from '../../src/kube/model.js';

const UID = '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const pod = (uid: string, name: string): PodInfo => ({
  uid, namespace: 'shop', name, resourceVersion: '1', labels: {}, annotations: {}, serviceAccount: null, node: 'n', owner: null,
  hostPID: false, hostNetwork: false, hostIPC: false, hostPaths: [], containers: [{ name: 'web', id: 'a'.repeat(64), image: null, imageId: null, privileged: true, hostPaths: [] }],
});
const audit = (id: string, over: Partial<NonNullable<Event['audit']>>): Event => {
  const e = sampleEvent('k8s_audit', { id, node: 'kube-apiserver' });
  return { ...e, audit: { ...e.audit!, ...over } };
};

t.test('an API server audit event about a pod gets the pod and its key; others stay with the API server', async (t) => {
  const pods = new PodIndex('c1', 60_000);
  pods.upsert(pod(UID, 'web-1'), null);
  pods.upsert(pod('2f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b', 'old'), null);
  pods.remove('2f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b');
  const batch = new BatchEnricher({
    cluster: 'c1', holdMs: 0, canHold: () => true, changes: pods.changes,
    lookup: { byContainerId: (id) => pods.byContainerId(id), byPodUid: (u) => pods.byPodUid(u), byPodName: (ns, n) => pods.byPodName(ns, n) },
  });
  const out = await batch.enrich([
    { event: audit('exec', { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-1' }), key: 'kube-apiserver/k8s-audit' },
    { event: audit('gone', { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'old' }), key: 'kube-apiserver/k8s-audit' },
    { event: audit('unknown', { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'nope' }), key: 'kube-apiserver/k8s-audit' },
    { event: audit('secret', { resource: 'secrets', subresource: null, namespace: 'shop', name: 'web-1' }), key: 'kube-apiserver/k8s-audit' },
  ], { heartbeat: async () => undefined, isRunning: () => true });
  t.same(out.map((o) => [o.event.id, o.outcome, o.key]), [
    ['exec', 'resolved', UID],
    ['gone', 'resolved', '2f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'],
    ['unknown', 'host', 'kube-apiserver'],
    ['secret', 'host', 'kube-apiserver'],
  ]);
  t.match(out[0]!.event.k8s, { namespace: 'shop', pod: 'web-1', pod_uid: UID, privileged: true });
  t.equal(out[0]!.event.audit?.name, 'web-1', 'the audit block is kept');
});
