import { existsSync, readFileSync } from 'node:fs';
import { TracehoundError } from '@tracehound/errors';
import type { KubeBinaries } from './build.js';
import { probeGet } from './probe.js';
import { KUBE_HOST, kubeLayout, type KubeSettings } from './settings.js';

/** One process of the local Kubernetes control plane. */
export interface KubeComponent {
  name: 'etcd' | 'kube-apiserver';
  command: string;
  args: string[];
  /**
   * An argument only this data dir's instance carries: a pid is signalled only while its command
   * line still holds it, so a reused pid is never touched.
   */
  marker: string;
  log: string;
  endpoint: string;
  /** Resolves when the process serves clients; throws a retriable error until then. */
  probe(): Promise<void>;
}

export function etcdComponent(s: KubeSettings, bins: KubeBinaries): KubeComponent {
  const l = kubeLayout(s);
  const client = `http://${KUBE_HOST}:${s.etcdPort}`;
  const peer = `http://${KUBE_HOST}:${s.etcdPort + 1}`;
  const marker = `--data-dir=${l.etcdData}`;
  return {
    name: 'etcd',
    command: bins.etcd,
    args: [
      '--name=tracehound', marker,
      `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=tracehound=${peer}`,
      '--log-level=warn',
      // A test server: small and quick; fsync stays on so a killed etcd keeps its data.
      '--quota-backend-bytes=2147483648', '--snapshot-count=10000',
    ],
    marker,
    log: l.log('etcd'),
    endpoint: client,
    probe: async () => {
      const body = await probeGet({ url: `${client}/health` });
      if (!body.includes('"health":"true"')) throw new Error(`etcd not healthy: ${body}`);
    },
  };
}

export function apiserverComponent(s: KubeSettings, bins: KubeBinaries, adminToken: string): KubeComponent {
  const l = kubeLayout(s);
  const server = `https://${KUBE_HOST}:${s.port}`;
  const marker = `--cert-dir=${l.certs}`;
  return {
    name: 'kube-apiserver',
    command: bins.apiserver,
    args: [
      `--etcd-servers=http://${KUBE_HOST}:${s.etcdPort}`,
      `--bind-address=${KUBE_HOST}`, `--advertise-address=${KUBE_HOST}`, `--secure-port=${s.port}`,
      marker, // a self-signed serving certificate is generated here on first start
      `--token-auth-file=${l.tokens}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${l.saPub}`, `--service-account-signing-key-file=${l.saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // Security-relevant pods (privileged, hostPID, hostPath) are what the tests describe.
      '--allow-privileged=true',
      '--profiling=false', '--v=0',
      ...(s.extraApiserverArgs ?? []),
    ],
    marker,
    log: l.log('kube-apiserver'),
    endpoint: server,
    probe: async () => {
      if (!existsSync(l.servingCert)) throw new TracehoundError('TH_ERR_UNREACHABLE', `${l.servingCert} not written yet`);
      await probeGet({ url: `${server}/readyz`, token: adminToken, ca: readFileSync(l.servingCert, 'utf8') });
    },
  };
}
