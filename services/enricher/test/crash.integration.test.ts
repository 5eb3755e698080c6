import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createNamespace, setPodRunning } from '@tracehound/kube';
import { testKafka } from '@tracehound/testkit';
import { containerEvent, containerId, createDeploymentPod, enrichedReader, enricherConfig, enricherKubeconfig, hostEvent, rawSender, testKube, uniqueName } from './helpers.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const N = 30_000;

/** The enricher as its own process (`tracehound enricher` runs the same main), so it can be killed for real. */
function startProcess(env: Record<string, string>, log: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}

t.test('enricher killed mid-batch and restarted: every raw event comes out enriched at least once', async (t) => {
  const kube = await testKube();
  const kubeconfig = await enricherKubeconfig(kube);
  const { kafka, prefix, registryUrl } = await testKafka('enricher-crash', ['eventsRaw', 'eventsEnriched', 'deadLetter']);
  const ns = uniqueName('crash');
  await createNamespace(kube.admin, ns);
  const pods: Array<{ uid: string; cid: string }> = [];
  for (let i = 0; i < 5; i++) {
    const d = await createDeploymentPod(kube.admin, ns, uniqueName(`c${i}`));
    const cid = containerId();
    await setPodRunning(kube.admin, ns, d.pod.metadata!.name!, { containers: [{ name: 'web', id: cid }] });
    pods.push({ uid: d.uid, cid });
  }
  const raw = await rawSender(kafka, prefix, registryUrl);
  const events = Array.from({ length: N }, (_, i) => (i % 10 === 9 ? hostEvent(`crash-${i}`, `node-${i % 3}`) : containerEvent(`crash-${i}`, pods[i % 5]!.cid, pods[i % 5]!.uid)));
  // One event of a container nobody knows, sent once the enricher is under way: its batch is
  // held (5 s) and the kill lands while the enricher is inside that batch.
  const strangerAt = Math.floor(N / 2);
  events[strangerAt] = containerEvent(`crash-${strangerAt}`, containerId(), null);
  t.teardown(() => raw.close());
  await raw.send(events.slice(0, strangerAt));

  const out = await enrichedReader(kafka, prefix, registryUrl);
  t.teardown(() => out.close());
  const cfg = enricherConfig(prefix, kubeconfig);
  const env = {
    TRACEHOUND_ENRICHER_HOLD_MS: '5000',
    TRACEHOUND_TOPIC_PREFIX: cfg.TRACEHOUND_TOPIC_PREFIX, TRACEHOUND_TOPIC_PARTITIONS: '3', TRACEHOUND_KUBECONFIG: kubeconfig,
    TRACEHOUND_CLUSTER_NAME: 'test-cluster', TRACEHOUND_ENRICHER_GROUP: cfg.TRACEHOUND_ENRICHER_GROUP, TRACEHOUND_ENRICHER_HTTP_PORT: '0', TRACEHOUND_LOG_LEVEL: 'info',
  };

  const log: string[] = [];
  const first = startProcess(env, log);
  const deadline = Date.now() + 120_000;
  while (out.enriched.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await raw.send(events.slice(strangerAt));
  // Kill when output stalls part-way: the enricher is holding a batch, mid-batch by construction.
  let last = -1;
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const n = out.enriched.size;
    if (n !== last) {
      last = n;
      stillSince = Date.now();
    } else if (n > 0 && n < N && Date.now() - stillSince > 1_000) break;
  }
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const atKill = out.enriched.size;
  t.ok(atKill > 0 && atKill < N, `killed mid-stream (${atKill} of ${N} enriched so far)`);

  const log2: string[] = [];
  const second = startProcess(env, log2);
  t.teardown(() => {
    if (second.exitCode === null) second.kill('SIGKILL');
  });
  const deadline2 = Date.now() + 180_000;
  while (out.enriched.size < N && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 100));
  const missing = events.filter((e) => !out.enriched.has(e.id)).map((e) => e.id);
  t.same(missing.slice(0, 10), [], `none lost (${missing.length} missing)`);
  const copies = [...out.enriched.values()].reduce((n, l) => n + l.length, 0);
  t.comment(`${N} raw events → ${copies} enriched records (${copies - N} re-delivered after the kill)`);
  const wrong = [...out.enriched.values()].map((l) => l[0]!.event).filter((e) => e.id !== `crash-${strangerAt}` && e.enrichment !== (e.process?.container_id ? 'resolved' : 'host'));
  t.equal(wrong.length, 0, 'and each enriched as it should be');
  t.equal(out.enriched.get(`crash-${strangerAt}`)?.[0]?.event.enrichment, 'unresolved', 'the held event too, unresolved after its hold');

  // runMain handles signals once start-up is over (before that a signal ends the process as usual).
  const deadline3 = Date.now() + 60_000;
  while (!log2.join('').includes('enricher running') && Date.now() < deadline3) await new Promise((r) => setTimeout(r, 50));
  second.kill('SIGTERM');
  const [code, signal] = await new Promise<[number | null, string | null]>((r) => second.once('exit', (c, s) => r([c, s])));
  t.same({ code, signal }, { code: 0, signal: null }, 'SIGTERM stops the enricher cleanly');
  if (code !== 0) t.comment([...log, ...log2].join('').slice(-3000));
});
