import t from 'tap';
import { kubeUp, loadKubeSettings, loadKubeconfig } from '@tracehound/kube';
import { dryRunApply, dryRunPod, applyForReal, renamespace } from '../src/dry-run.js';
import { describeObject, workloads } from '../src/manifests.js';
import { BASE, OVERLAY, rendered } from './helpers.js';

/**
 * The rendered manifests against the real local kube-apiserver (v1.34): server-side apply in
 * dry-run mode runs validation and admission — including Pod Security on pods made from each
 * template — and stores nothing. The namespaces are renamed so the check never touches a real
 * installation; they and the service accounts are created for real (pod admission needs them)
 * and kept for the next run.
 */
const NAMES = { tracehound: 'th-deploy-check', 'tracehound-agent': 'th-deploy-check-agent' };

t.test('k8s manifests pass the API server\'s validation and admission', async (t) => {
  const kc = loadKubeconfig((await kubeUp(loadKubeSettings())).kubeconfig);
  for (const [name, dir] of [['base', BASE], ['example overlay', OVERLAY]] as const) {
    const objects = renamespace(await rendered(dir), NAMES);
    for (const o of objects.filter((x) => x.kind === 'Namespace' || x.kind === 'ServiceAccount')) await applyForReal(kc, o);
    for (const o of objects) {
      const stored = await dryRunApply(kc, o).catch((err: unknown) => void t.fail(`${name}: ${describeObject(o)}: ${(err as Error).message}`));
      if (stored) t.equal(stored.metadata?.name, o.metadata?.name, `${name}: ${describeObject(o)} accepted`);
    }
    for (const w of workloads(objects)) {
      const pod = await dryRunPod(kc, w).catch((err: unknown) => void t.fail(`${name}: ${w.command} pod refused: ${(err as Error).message}`));
      if (pod) t.ok(pod.metadata?.uid, `${name}: a ${w.command} pod is admitted in ${w.object.metadata?.namespace}`);
    }
  }
});

t.test('Pod Security is enforced: the agent\'s pod is refused in the services\' namespace', async (t) => {
  const kc = loadKubeconfig((await kubeUp(loadKubeSettings())).kubeconfig);
  const objects = renamespace(await rendered(BASE), NAMES);
  for (const o of objects.filter((x) => x.kind === 'Namespace')) await applyForReal(kc, o);
  const agent = workloads(objects).find((w) => w.command === 'agent')!;
  await applyForReal(kc, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: agent.pod.serviceAccountName!, namespace: NAMES.tracehound } });
  const err = await dryRunPod(kc, agent, NAMES.tracehound).then(() => undefined, (e: unknown) => e as { code?: number; body?: string });
  t.equal(err?.code, 403, 'refused');
  const message = String((JSON.parse(err?.body ?? '{}') as { message?: string }).message);
  t.match(message, /violates PodSecurity "restricted:latest"/);
  t.match(message, /host namespaces \(hostPID=true\)/);
  t.match(message, /must not include "BPF", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE"/);
  t.match(message, /restricted volume type "hostPath"/);
});
