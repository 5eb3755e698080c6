import t from 'tap';
import { PodIndex } from '../../src/cache/pod-index.js';
import type { PodInfo } from '../../src/kube/model.js';

const info = (uid: string, ids: string[], over: Partial<PodInfo> = {}): PodInfo => ({
  uid, namespace: 'ns', name: `pod-${uid}`, resourceVersion: '1', labels: { app: 'a' }, annotations: {}, serviceAccount: 'sa', node: 'n1',
  owner: { kind: 'ReplicaSet', name: 'rs', uid: 'r' }, hostPID: false, hostNetwork: false, hostIPC: false, hostPaths: [],
  containers: ids.map((id, i) => ({ name: `c${i}`, id, image: 'img', imageId: 'iid', privileged: i === 0, hostPaths: [] })),
  ...over,
});

t.test('lookup by container id and by pod uid; workload in the block', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  idx.upsert(info('u1', ['c-1', 'c-2']), { kind: 'Deployment', name: 'web' });
  t.match(idx.byContainerId('c-2'), { containerKnown: true, deleted: false, block: { cluster: 'prod', container: 'c1', pod_uid: 'u1', workload_kind: 'Deployment', privileged: false } });
  t.match(idx.byPodUid('u1'), { containerKnown: false, block: { container: null, privileged: true } }, 'pod-level block: privileged if any container is');
  t.equal(idx.byContainerId('nope'), undefined);
  t.same(idx.sizes, { live: 1, deleted: 0, containers: 2 });
});

t.test('deleted pods resolve until the TTL, then are forgotten', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  idx.upsert(info('u1', ['c-1']), null);
  idx.remove('u1', 1_000);
  t.match(idx.byContainerId('c-1'), { deleted: true }, 'still resolvable after deletion');
  idx.sweep(60_000);
  t.ok(idx.byContainerId('c-1'), 'kept within the TTL');
  idx.sweep(61_001);
  t.equal(idx.byContainerId('c-1'), undefined, 'gone after it');
  t.same(idx.sizes, { live: 0, deleted: 0, containers: 0 });
});

t.test('a full list marks pods it lacks as deleted', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  idx.upsert(info('u1', ['c-1']), null);
  idx.upsert(info('u2', ['c-2']), null);
  t.equal(idx.retainOnly(new Set(['u2']), 5), 1);
  t.same(idx.liveUids(), ['u2']);
  t.match(idx.byContainerId('c-1'), { deleted: true });
});

t.test('a restarted container: the old id stays resolvable, bounded', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  idx.upsert(info('u1', ['old']), null);
  idx.upsert(info('u1', ['new'], { resourceVersion: '2', labels: { app: 'b' } }), null);
  t.ok(idx.byContainerId('old'), 'late events of the previous container instance');
  t.same(idx.byContainerId('new')!.block.pod_labels, { app: 'b' });
  for (let i = 0; i < 20; i++) idx.upsert(info('u1', [`gen-${i}`], { resourceVersion: String(10 + i) }), null);
  t.ok(idx.sizes.containers <= 9 + 1, `crash-looping pods do not grow the index (${idx.sizes.containers})`);
});

t.test('changes wake waiters', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  const woke = idx.changes.next().then(() => true);
  idx.upsert(info('u1', ['c']), null);
  t.equal(await woke, true);
});

t.test('namespace labels live in the blocks; a label change rebuilds them', async (t) => {
  const namespaces = new Map<string, Record<string, string>>();
  const idx = new PodIndex('prod', 60_000, (ns) => namespaces.get(ns));
  idx.upsert(info('u1', ['c-1']), null);
  t.same(idx.byContainerId('c-1')!.block.namespace_labels, {}, 'namespace not known yet');
  const before = idx.byContainerId('c-1')!.block;
  namespaces.set('ns', { team: 'a' });
  idx.refreshNamespace('ns');
  t.same(idx.byContainerId('c-1')!.block.namespace_labels, { team: 'a' });
  t.same(idx.byPodUid('u1')!.block.namespace_labels, { team: 'a' });
  t.not(idx.byContainerId('c-1')!.block, before, 'a new block object, never a mutated one (the encoder caches bytes per block)');
  t.same(before.namespace_labels, {});
});

t.test('an unchanged pod (same resourceVersion, as a re-list repeats it) keeps its blocks', async (t) => {
  const idx = new PodIndex('prod', 60_000);
  idx.upsert(info('u1', ['c-1']), null);
  const block = idx.byContainerId('c-1')!.block;
  idx.upsert(info('u1', ['c-1']), null);
  t.equal(idx.byContainerId('c-1')!.block, block, 'same object');
  idx.upsert(info('u1', ['c-1'], { resourceVersion: '2', labels: { app: 'b' } }), null);
  t.same(idx.byContainerId('c-1')!.block.pod_labels, { app: 'b' }, 'a new version rebuilds');
  idx.upsert(info('u1', ['c-1'], { resourceVersion: '2', labels: { app: 'b' } }), { kind: 'Deployment', name: 'web' });
  t.equal(idx.byContainerId('c-1')!.block.workload_name, 'web', 'so does a newly resolved workload');
});
