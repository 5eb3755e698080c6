import type { Command } from 'commander';

/**
 * `tracehound kube build|up|down|status`: a real Kubernetes API server (kube-apiserver + etcd,
 * built once from the Go module proxy) on loopback, for tests and for trying the enricher
 * without a cluster. Settings come from TRACEHOUND_* variables (see LocalKubeConfig).
 */
export function registerKube(program: Command): void {
  const kube = program.command('kube').description('run a local Kubernetes API server (kube-apiserver + etcd, no kubelet) under the data dir');
  const load = () => import('@tracehound/kube');

  kube
    .command('build')
    .description('build kube-apiserver and etcd into the cache (first time: a few minutes; later: nothing)')
    .action(async () => {
      const k = await load();
      const bins = await k.ensureKubeBinaries(k.loadKubeSettings());
      process.stdout.write(`etcd            ${bins.etcd}\nkube-apiserver  ${bins.apiserver}\n`);
    });

  kube
    .command('up')
    .description('start etcd, then kube-apiserver; reuse whatever already runs; print the admin kubeconfig path')
    .action(async () => {
      const k = await load();
      const up = await k.kubeUp(k.loadKubeSettings());
      const lines = up.components.map((c) => `${c.name.padEnd(15)} ${c.state}, pid ${c.pid}`);
      process.stdout.write(`${[...lines, `server          ${up.server}`, `kubeconfig      ${up.kubeconfig}`, `                e.g. TRACEHOUND_KUBECONFIG=${up.kubeconfig} tracehound enricher`].join('\n')}\n`);
    });

  kube
    .command('down')
    .description('stop kube-apiserver, then etcd (etcd data stays for the next up)')
    .action(async () => {
      const k = await load();
      const result = await k.kubeDown(k.loadKubeSettings());
      process.stdout.write(`${result.map((r) => `${r.name.padEnd(15)} ${r.outcome}`).join('\n')}\n`);
    });

  kube
    .command('status')
    .description("print each component's state")
    .action(async () => {
      const k = await load();
      const status = await k.kubeStatus(k.loadKubeSettings());
      process.stdout.write(`${status.map((c) => `${c.name.padEnd(15)} ${c.state}${c.pid ? `, pid ${c.pid}` : ''}\n                ${c.endpoint}\n                logs: ${c.log}`).join('\n')}\n`);
    });
}
