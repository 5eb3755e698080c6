import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createNamespace, kubeDown, kubeUp, loadKubeSettings, setPodRunning } from '@tracehound/kube';
import { metricValue, testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, createDeploymentPod, enricherKubeconfig, forceDeletePod, startPipeline, testKube, uniqueName } from './helpers.js';

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    // etcd takes this port and the next one
    const nextFree = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(port + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (nextFree && port < 65000) return port;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('API server restarted: watch cut → re-list, no stale cache, counters incremented', async (t) => {
  // A private API server (own data dir and ports; binaries from the shared cache), since this test restarts it.
  const settings = { ...loadKubeSettings(), dataDir: await mkdtemp(join(tmpdir(), 'th-kube-')), port: await freePort(), etcdPort: await freePort() };
  t.teardown(async () => {
    await kubeDown(settings);
    await rm(settings.dataDir, { recursive: true, force: true });
  });
  const kube = await testKube(settings);
  const kubeconfig = await enricherKubeconfig(kube);
  const { kafka, prefix, registryUrl } = await testKafka('enricher-restart', ['eventsRaw', 'eventsEnriched', 'deadLetter']);
  const ns = uniqueName('rst');
  await createNamespace(kube.admin, ns, { stage: 'before' });

  const p = await createDeploymentPod(kube.admin, ns, uniqueName('p'));
  const q = await createDeploymentPod(kube.admin, ns, uniqueName('q'));
  const pCid = containerId();
  await setPodRunning(kube.admin, ns, p.pod.metadata!.name!, { containers: [{ name: 'web', id: pCid }] });

  const { enricher, raw, out } = await startPipeline(t, { prefix, kubeconfig, kafka, registryUrl, env: { TRACEHOUND_ENRICHER_HOLD_MS: '5000' } });
  await until('both pods cached', () => enricher.cache.pods.get(p.uid) !== undefined && enricher.cache.pods.get(q.uid) !== undefined);

  const relists = await metricValue('tracehound_enricher_relists_total', { resource: 'pods' });
  const restarts = await metricValue('tracehound_enricher_watch_restarts_total', { resource: 'pods' });

  await kubeDown(settings, ['kube-apiserver']);
  await until('the watch to notice', async () => (await metricValue('tracehound_enricher_watch_restarts_total', { resource: 'pods' })) > restarts);
  await kubeUp(settings);
  // Changes right after the restart, possibly before the enricher is back: a label change, a
  // deletion, a new pod, a namespace label change.
  const core = kube.admin.makeApiClient(CoreV1Api);
  await core.patchNamespacedPod({ namespace: ns, name: p.pod.metadata!.name!, body: { metadata: { labels: { version: 'v2' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  await core.patchNamespace({ name: ns, body: { metadata: { labels: { stage: 'after' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  await forceDeletePod(kube.admin, ns, q.pod.metadata!.name!);
  const r = await createDeploymentPod(kube.admin, ns, uniqueName('r'));
  const rCid = containerId();
  await setPodRunning(kube.admin, ns, r.pod.metadata!.name!, { containers: [{ name: 'web', id: rCid }] });

  await until('a re-list after the restart', async () => (await metricValue('tracehound_enricher_relists_total', { resource: 'pods' })) > relists, 60_000);
  await until('the cache to catch up', () =>
    enricher.cache.pods.get(p.uid)?.block.pod_labels.version === 'v2' && enricher.cache.pods.get(q.uid)?.deleted === true && enricher.cache.pods.get(r.uid)?.deleted === false
    && enricher.cache.namespaces.get(ns)?.stage === 'after', 60_000);
  t.pass('cache reflects every change made around the restart');
  t.ok(enricher.ready(), 'ready again');
  t.ok((await metricValue('tracehound_enricher_watch_restarts_total', { resource: 'pods' })) > restarts, 'watch restart counted');

  await raw.send([containerEvent('after-p', pCid, p.uid), containerEvent('after-r', rCid, r.uid)]);
  const ep = await out.waitFor('after-p');
  t.equal(ep.event.k8s?.pod_labels.version, 'v2', 'events carry the new labels, not stale ones');
  t.equal(ep.event.k8s?.namespace_labels.stage, 'after', 'and the new namespace labels');
  const er = await out.waitFor('after-r');
  t.equal(er.event.enrichment, 'resolved', 'a pod created while the watch was down resolves');
  t.equal(er.event.k8s?.workload_name, r.deployment);
});
