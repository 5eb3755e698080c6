import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CoreV1Api } from '@kubernetes/client-node';
import { createNamespace, serviceAccountKubeconfig } from '@tracehound/kube';
import { metricValue, testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, memoryLogger, startPipeline, testKube, uniqueName } from './helpers.js';

t.test('API server answers 403 (RBAC missing): clear log and metric, events flow unresolved', async (t) => {
  const kube = await testKube();
  const ns = uniqueName('norbac');
  await createNamespace(kube.admin, ns);
  await kube.admin.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'unbound' } } });
  const kubeconfig = await serviceAccountKubeconfig(kube.admin, {
    namespace: ns, serviceAccount: 'unbound', caFile: kube.caFile, path: join(await mkdtemp(join(tmpdir(), 'th-norbac-')), 'kubeconfig'),
  });
  const { kafka, prefix, registryUrl } = await testKafka('enricher-403', ['eventsRaw', 'eventsEnriched', 'deadLetter']);
  const { logger, lines } = memoryLogger();
  const before = await metricValue('tracehound_enricher_kube_errors_total', { resource: 'pods', status: '403' });
  const started = Date.now();
  const { enricher, raw, out } = await startPipeline(t, {
    prefix, kubeconfig, kafka, registryUrl, logger, env: { TRACEHOUND_ENRICHER_SYNC_TIMEOUT_MS: '2000', TRACEHOUND_ENRICHER_HOLD_MS: '5000' },
  });
  t.notOk(enricher.ready(), 'not ready: nothing could be listed');
  t.ok(Date.now() - started < 15_000, 'start-up did not wait forever for the API');

  const forbidden = lines.find((l) => l.code === 'TH_ERR_KUBE_FORBIDDEN' && l.resource === 'pods');
  t.ok(forbidden, 'a log line names the refusal');
  t.match(String(forbidden?.msg), /HTTP 403/, 'with the status');
  t.match(String(forbidden?.msg), /cannot list resource "pods"/, "with the server's reason");
  t.match(String(forbidden?.msg), /enricher-rbac\.yaml/, 'and what to do about it');
  t.ok((await metricValue('tracehound_enricher_kube_errors_total', { resource: 'pods', status: '403' })) > before, 'counted by status');

  const t0 = Date.now();
  await raw.send([containerEvent('forbidden-1', containerId(), '0b6ab5e2-6d3c-4e5e-9a0b-3c5d2f1e0a11')]);
  const { event } = await out.waitFor('forbidden-1', 20_000);
  t.equal(event.enrichment, 'unresolved', 'events still flow, marked unresolved');
  t.ok(Date.now() - t0 < 4_000, 'not held: holding cannot help while the API refuses us');
});
