import { mkdirSync } from 'node:fs';
import { TracehoundError, errorMessage, isRetriable, isTracehoundError } from '@tracehound/errors';
import { retry } from '@tracehound/retry';
// The stack's process helpers (detached start, marker-checked stop, log tails), shared rather than
// copied; they are internal to @tracehound/stack, hence the relative path.
import { isOurs, logOffsets, logTails, readPid, removePid, spawnDetached, stopProcess, writePid, type StopOutcome } from '@tracehound/stack';
import { ensureKubeBinaries } from './build.js';
import { apiserverComponent, etcdComponent, type KubeComponent } from './components.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ensurePki } from './pki.js';
import { kubeLayout, type KubeSettings } from './settings.js';

export interface KubeUp {
  /** https://127.0.0.1:<port> */
  server: string;
  /** An admin (system:masters) kubeconfig for the server. */
  kubeconfig: string;
  adminToken: string;
  /** PEM of the server's self-signed certificate, to trust it. */
  ca: string;
  components: Array<{ name: string; pid: number; state: 'started' | 'running' }>;
}

async function components(s: KubeSettings): Promise<{ list: KubeComponent[]; token: string }> {
  const bins = await ensureKubeBinaries(s);
  const token = ensurePki(s);
  return { list: [etcdComponent(s, bins), apiserverComponent(s, bins, token)], token };
}

async function waitReady(c: KubeComponent, pid: number, deadlineMs: number, since: Record<string, number>): Promise<void> {
  try {
    await retry(async () => {
      if (!isOurs(pid, c.marker)) throw new TracehoundError('TH_ERR_STACK', `${c.name} (pid ${pid}) exited during start-up\n${logTails([c.log], since)}`);
      await c.probe();
    }, { initialDelayMs: 100, maxDelayMs: 1000, factor: 1.5, jitter: 0.2, deadlineMs, retryOn: isRetriable });
  } catch (err) {
    if (!isTracehoundError(err, 'TH_ERR_DEADLINE')) throw err;
    throw new TracehoundError('TH_ERR_STACK', `${c.name} (pid ${pid}) did not answer within ${Math.round(deadlineMs / 1000)} s: ${errorMessage(err.cause)}\n${logTails([c.log], since)}`, { cause: err });
  }
}

/**
 * Starts etcd, then kube-apiserver, on loopback; whatever already runs for this data dir is
 * reused. Builds the binaries first if they are not cached. Writes an admin kubeconfig.
 */
export async function kubeUp(s: KubeSettings): Promise<KubeUp> {
  const l = kubeLayout(s);
  const { list, token } = await components(s);
  mkdirSync(l.logs, { recursive: true });
  mkdirSync(l.etcdData, { recursive: true, mode: 0o700 });
  const out: KubeUp['components'] = [];
  for (const c of list) {
    const known = readPid(l.pidFile(c.name));
    if (known !== undefined && isOurs(known, c.marker)) {
      await waitReady(c, known, s.startTimeoutMs, {});
      out.push({ name: c.name, pid: known, state: 'running' });
      continue;
    }
    const since = logOffsets([c.log]);
    const started = spawnDetached({ command: c.command, args: c.args, cwd: l.root }, c.log);
    writePid(l.pidFile(c.name), started.pid);
    await waitReady(c, started.pid, s.startTimeoutMs, since);
    out.push({ name: c.name, pid: started.pid, state: 'started' });
  }
  const apiserver = list[1]!;
  const { ca } = writeKubeconfig(l.kubeconfig, { server: apiserver.endpoint, caFile: l.servingCert, token, user: 'tracehound-admin' });
  return { server: apiserver.endpoint, kubeconfig: l.kubeconfig, adminToken: token, ca, components: out };
}

export type KubeComponentName = KubeComponent['name'];

/** Stops kube-apiserver, then etcd (or only the named ones); etcd's data stays for the next `up`. */
export async function kubeDown(s: KubeSettings, only?: KubeComponentName[]): Promise<Array<{ name: string; outcome: StopOutcome }>> {
  const l = kubeLayout(s);
  const { list } = await components(s);
  const result: Array<{ name: string; outcome: StopOutcome }> = [];
  for (const c of [...list].reverse()) {
    if (only && !only.includes(c.name)) continue;
    const pid = readPid(l.pidFile(c.name));
    const outcome = pid === undefined ? 'gone' : await stopProcess(pid, c.marker, s.stopGraceMs);
    removePid(l.pidFile(c.name));
    result.push({ name: c.name, outcome });
  }
  return result;
}

export interface KubeComponentStatus {
  name: string;
  state: 'running' | 'stopped';
  pid?: number;
  endpoint: string;
  log: string;
}

export async function kubeStatus(s: KubeSettings): Promise<KubeComponentStatus[]> {
  const l = kubeLayout(s);
  const { list } = await components(s);
  return list.map((c) => {
    const pid = readPid(l.pidFile(c.name));
    const running = pid !== undefined && isOurs(pid, c.marker);
    return { name: c.name, state: running ? 'running' : 'stopped', ...(running ? { pid } : {}), endpoint: c.endpoint, log: c.log };
  });
}
