import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeconfigSpec {
  server: string;
  /** PEM file of the certificate to trust; its content is embedded. */
  caFile: string;
  token: string;
  user: string;
  namespace?: string;
}

/**
 * Writes a one-context kubeconfig (JSON, which every kubeconfig reader accepts as YAML) with the
 * CA embedded, so the file keeps working wherever it is copied. Mode 0600: it holds a token.
 */
export function writeKubeconfig(path: string, k: KubeconfigSpec): { path: string; ca: string } {
  const ca = readFileSync(k.caFile, 'utf8');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'tracehound-local', cluster: { server: k.server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: k.user, user: { token: k.token } }],
    contexts: [{ name: k.user, context: { cluster: 'tracehound-local', user: k.user, ...(k.namespace ? { namespace: k.namespace } : {}) } }],
    'current-context': k.user,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  return { path, ca };
}

export function loadKubeconfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
