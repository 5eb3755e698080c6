import t from 'tap';
import { sampleEvent, sampleProcess, type Event } from '@tracehound/schemas';
import { PodIndex } from '../../src/cache/pod-index.js';
import { BatchEnricher } from '../../src/handlers/enrich-batch.js';
import { targetOf, uidOf, type PodTarget } from '../../src/handlers/resolve.js';
import type { PodInfo } from '../../src/kube/model.js';

const UID = '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const CID = 'a'.repeat(64);
const path = (uid: string, cid: string) => `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${cid}.scope`;
const ev = (id: string, cid: string | null, cgroup: string | null): Event => sampleEvent('process_exec', { id, process: sampleProcess({ container_id: cid, cgroup_path: cgroup }) });
const pod = (uid: string, cid: string): PodInfo => ({
  uid, namespace: 'shop', name: 'web-1', resourceVersion: '1', labels: {}, annotations: {}, serviceAccount: null, node: 'n', owner: null,
  hostPID: false, hostNetwork: false, hostIPC: false, hostPaths: [], containers: [{ name: 'web', id: cid, image: null, imageId: null, privileged: false, hostPaths: [] }],
});
const ctl = { heartbeat: async () => undefined, isRunning: () => true };

function setup(holdMs: number, synced = true) {
  const pods = new PodIndex('c1', 60_000, () => ({ team: 'x' }));
  const batch = new BatchEnricher({
    cluster: 'c1', holdMs, canHold: () => synced, changes: pods.changes,
    lookup: { byContainerId: (id) => pods.byContainerId(id), byPodUid: (u) => pods.byPodUid(u) },
  });
  return { pods, batch };
}

t.test('targets: host, container, pod uid from the cgroup path', async (t) => {
  t.same(targetOf(ev('h', null, '/system.slice/sshd.service')), { type: 'host' });
  t.same(targetOf(sampleEvent('agent_stats')), { type: 'host' }, 'no process: host');
  const c = targetOf(ev('c', CID, path(UID, CID))) as PodTarget;
  t.match(c, { type: 'pod', containerId: CID });
  t.equal(c.podUid, undefined, 'the cgroup path is not parsed while the container id may do');
  t.equal(uidOf(c), UID, 'parsed on demand');
  t.match(targetOf(ev('p', null, `/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice`)), { type: 'pod', containerId: null, podUid: UID }, 'pod-level cgroup, no container');
});

t.test('resolved, host and (after the hold) unresolved, in input order', async (t) => {
  const { pods, batch } = setup(300);
  pods.upsert(pod(UID, CID), null);
  const out = await batch.enrich([
    { event: ev('1', CID, path(UID, CID)), key: 'n/x' },
    { event: ev('2', 'b'.repeat(64), null), key: 'n/b' },
    { event: ev('3', null, '/init.scope'), key: null },
  ], ctl);
  t.same(out.map((o) => [o.event.id, o.outcome, o.key]), [['1', 'resolved', UID], ['2', 'unresolved', 'n/b'], ['3', 'host', 'node-a']]);
  t.same(out[0]!.event.k8s?.namespace_labels, { team: 'x' });
  t.equal(out[0]!.event.k8s?.container, 'web');
});

t.test('a held event resolves as soon as its pod appears', async (t) => {
  const { pods, batch } = setup(5_000);
  const started = Date.now();
  setTimeout(() => pods.upsert(pod(UID, CID), null), 200);
  const out = await batch.enrich([{ event: ev('1', CID, null), key: null }], ctl);
  t.equal(out[0]!.outcome, 'resolved');
  t.ok(Date.now() - started < 2_000, 'woken by the change, not by the deadline');
});

t.test('no hold before the first list (or while the API refuses us)', async (t) => {
  const { batch } = setup(5_000, false);
  const started = Date.now();
  const out = await batch.enrich([{ event: ev('1', CID, null), key: null }], ctl);
  t.equal(out[0]!.outcome, 'unresolved');
  t.ok(Date.now() - started < 500);
});

t.test('a container that went unresolved is not held again', async (t) => {
  const { batch } = setup(300);
  await batch.enrich([{ event: ev('1', CID, null), key: null }], ctl);
  const started = Date.now();
  const out = await batch.enrich([{ event: ev('2', CID, null), key: null }], ctl);
  t.equal(out[0]!.outcome, 'unresolved');
  t.ok(Date.now() - started < 200, 'passed on at once');
});

t.test('known pod, unknown container: pod-level context after the hold', async (t) => {
  const { pods, batch } = setup(200);
  pods.upsert(pod(UID, CID), null);
  const out = await batch.enrich([{ event: ev('1', 'c'.repeat(64), path(UID, 'c'.repeat(64))), key: null }], ctl);
  t.equal(out[0]!.outcome, 'resolved');
  t.equal(out[0]!.event.k8s?.pod_uid, UID);
  t.equal(out[0]!.event.k8s?.container, null);
});

t.test('shutdown during a hold fails the batch so it is re-delivered, not committed', async (t) => {
  const { batch } = setup(5_000);
  let running = true;
  setTimeout(() => (running = false), 100);
  await t.rejects(batch.enrich([{ event: ev('1', CID, null), key: null }], { heartbeat: async () => undefined, isRunning: () => running }), { code: 'TH_ERR_KAFKA' });
});
