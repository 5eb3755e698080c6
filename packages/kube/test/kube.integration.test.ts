import t from 'tap';
import { CoreV1Api } from '@kubernetes/client-node';
import { ADMIN_USER, createNamespace, kubeStatus, kubeUp, loadKubeSettings, loadKubeconfig, probeGet, setPodRunning, whoAmI } from '../src/index.js';

t.test('kube up: a real API server on loopback, reused when running, with an admin kubeconfig', async (t) => {
  const s = loadKubeSettings();
  const first = await kubeUp(s);
  const again = await kubeUp(s);
  t.same(again.components.map((c) => c.state), ['running', 'running'], 'a second up reuses what runs');
  t.same(again.components.map((c) => c.pid), first.components.map((c) => c.pid));
  t.match(first.server, /^https:\/\/127\.0\.0\.1:\d+$/, 'loopback only');
  t.same((await kubeStatus(s)).map((c) => c.state), ['running', 'running']);

  const version = JSON.parse(await probeGet({ url: `${first.server}/version`, token: first.adminToken, ca: first.ca })) as { gitVersion: string };
  t.equal(version.gitVersion, 'v1.34.2', 'the release the recipe pins');
  await t.rejects(probeGet({ url: `${first.server}/api/v1/pods`, ca: first.ca }), /401/, 'anonymous requests are refused');

  const kc = loadKubeconfig(first.kubeconfig);
  t.equal(await whoAmI(kc), ADMIN_USER);
});

t.test('pods never run (no kubelet); tests patch their status as a kubelet would', async (t) => {
  const kc = loadKubeconfig((await kubeUp(loadKubeSettings())).kubeconfig);
  const ns = `kube-test-${Date.now().toString(36)}`;
  await createNamespace(kc, ns, { purpose: 'test' });
  const core = kc.makeApiClient(CoreV1Api);
  const created = await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'p' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } } });
  t.equal(created.status?.phase, 'Pending');
  t.equal(created.spec?.serviceAccountName, 'default', 'admission ran (service account defaulted)');
  const id = 'f'.repeat(64);
  const running = await setPodRunning(kc, ns, 'p', { containers: [{ name: 'c', id }] });
  t.equal(running.status?.phase, 'Running');
  t.equal(running.status?.containerStatuses?.[0]?.containerID, `containerd://${id}`);
  await core.deleteNamespacedPod({ namespace: ns, name: 'p', gracePeriodSeconds: 0 });
});
