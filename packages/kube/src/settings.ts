import { join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { DataDirConfig, LocalKubeConfig, StackConfig, loadConfig, type Environment } from '@tracehound/config';

/**
 * The local Kubernetes API server's settings, resolved once so the rest of the package takes
 * plain values and tests can run a second, private server beside the shared one.
 */
export interface KubeSettings {
  /** Absolute; holds etcd's data, keys, tokens, kubeconfigs, logs and pid files. */
  dataDir: string;
  /** Absolute; the built binaries live in <cacheDir>/kube, shareable between data dirs. */
  cacheDir: string;
  go: string;
  port: number;
  /** etcd's client port; its peer port is the next one. */
  etcdPort: number;
  startTimeoutMs: number;
  stopGraceMs: number;
  buildTimeoutMs: number;
  /** More kube-apiserver flags, after the defaults (a later flag wins), e.g. the audit webhook's. */
  extraApiserverArgs?: string[];
}

/** The server listens on loopback only. */
export const KUBE_HOST = '127.0.0.1';

const Schema = Type.Composite([
  DataDirConfig,
  Type.Pick(StackConfig, ['TRACEHOUND_CACHE_DIR', 'TRACEHOUND_STACK_START_TIMEOUT_MS', 'TRACEHOUND_STACK_STOP_GRACE_MS']),
  LocalKubeConfig,
]);

/** Reads TRACEHOUND_* variables (validated by @tracehound/config), paths resolved against the working directory. */
export function loadKubeSettings(env?: Environment): KubeSettings {
  const c = loadConfig(Schema, env);
  const dataDir = resolve(c.TRACEHOUND_DATA_DIR);
  return {
    dataDir,
    cacheDir: resolve(c.TRACEHOUND_CACHE_DIR ?? `${dataDir}/cache`),
    go: c.TRACEHOUND_GO,
    port: c.TRACEHOUND_KUBE_PORT,
    etcdPort: c.TRACEHOUND_KUBE_ETCD_PORT,
    startTimeoutMs: c.TRACEHOUND_STACK_START_TIMEOUT_MS,
    stopGraceMs: c.TRACEHOUND_STACK_STOP_GRACE_MS,
    buildTimeoutMs: c.TRACEHOUND_KUBE_BUILD_TIMEOUT_MS,
  };
}

/** Where each file lives; one place so up, down and status agree. */
export function kubeLayout(s: KubeSettings) {
  const root = join(s.dataDir, 'kube');
  return {
    root,
    etcdData: join(root, 'etcd'),
    certs: join(root, 'certs'),
    /** Written by kube-apiserver itself (--cert-dir): its self-signed serving certificate and CA. */
    servingCert: join(root, 'certs', 'apiserver.crt'),
    saKey: join(root, 'pki', 'sa.key'),
    saPub: join(root, 'pki', 'sa.pub'),
    tokens: join(root, 'pki', 'tokens.csv'),
    adminToken: join(root, 'pki', 'admin.token'),
    kubeconfig: join(root, 'admin.kubeconfig'),
    bin: join(s.cacheDir, 'kube'),
    logs: join(s.dataDir, 'logs'),
    buildLog: join(s.dataDir, 'logs', 'kube-build.log'),
    log: (name: string) => join(s.dataDir, 'logs', `${name}.log`),
    pidFile: (name: string) => join(s.dataDir, 'run', `${name}.pid`),
  };
}
