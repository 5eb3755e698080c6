import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { kubeError, loadKubeConfig } from '../../src/adapters/kube-api.js';

t.test('configuration errors name the variable and what to do', async (t) => {
  t.throws(() => loadKubeConfig({}), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_KUBECONFIG: not set, and not running in a Kubernetes pod/ });
  t.throws(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' }), { code: 'TH_ERR_CONFIG', message: /ENOENT/ });
  const dir = await mkdtemp(join(tmpdir(), 'th-kc-'));
  await writeFile(join(dir, 'kc'), JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] }));
  t.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'kc') }), { code: 'TH_ERR_CONFIG', message: /no API server/ });
});

t.test('API failures: 403 is RBAC (not retriable, with the fix), others carry their status', async (t) => {
  const body = JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope', code: 403 });
  const e = kubeError('listing pods', Object.assign(new Error('HTTP-Code: 403\nMessage: ...'), { code: 403, body }));
  t.match(e, { code: 'TH_ERR_KUBE_FORBIDDEN', retriable: false, details: { status: 403 } });
  t.match(e.message, /^listing pods: HTTP 403: pods is forbidden: User "x" cannot list/);
  t.match(e.message, /k8s\/base\/enricher-rbac\.yaml/);
  const n = kubeError('watching pods', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }));
  t.match(n, { code: 'TH_ERR_KUBE', retriable: true, details: { status: null } });
});
