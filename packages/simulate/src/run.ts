import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { findCgroup2Mount } from '@tracehound/agent';
import { TracehoundError } from '@tracehound/errors';
import { topicName } from '@tracehound/kafka';
import { loadKubeconfig } from '@tracehound/kube';
import { AlertWatcher } from './alerts.js';
import { Cleanup } from './cleanup.js';
import { ImitatedPod, type ImitatedContainer } from './container.js';
import { PodObject } from './pod.js';
import type { Scenario } from './scenarios.js';

const WORKLOAD = fileURLToPath(new URL('./workload.py', import.meta.url));
/** The agent's kernel imitations (memfd, socket dup, ptrace; its tests run them too), reused rather than copied. */
const AGENT_WORKLOAD = fileURLToPath(new URL('../../../services/agent/imitations/workload.py', import.meta.url));
const ACTION_TIMEOUT_MS = 20_000;

export interface SimulateOptions {
  scenarios: Scenario[];
  kafka: Kafka;
  topicPrefix: string;
  registryUrl: string;
  /** With a kubeconfig, the imitated pod also exists as a pod object, so enrichment is real. */
  kubeconfig?: string;
  namespace: string;
  /** How long to wait for each alert, from the end of the scenarios. */
  timeoutMs: number;
  /** Undone at the end; the caller may also run it on Ctrl-C. */
  cleanup?: Cleanup;
  onProgress?: (line: string) => void;
}

export interface ScenarioResult {
  name: string;
  rule: string;
  outcome: 'alert' | 'no alert' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  /** Kernel event time to the alert being read here. */
  latencyMs?: number;
  alertId?: string;
  eventId?: string;
  /** namespace/pod/container of the alert's event, as the enricher resolved it. */
  where?: string;
  containerId?: string;
}

export interface Simulation {
  results: ScenarioResult[];
  podUid: string;
  pod?: { namespace: string; name: string };
}

/** Runs one scenario's action in new namespaces; resolves with its stderr when it fails. */
function runAction(s: Scenario, c: ImitatedContainer, work: string, cleanup: Cleanup): Promise<string | undefined> {
  const ns = ['--uts', '--ipc', '--mount', '--propagation', 'private', ...(s.extra?.includes('net') ? ['--net'] : [])];
  const child = spawn('unshare', [...ns, 'python3', WORKLOAD, AGENT_WORKLOAD, c.procs, work, s.name], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanup.add(`${s.name} process`, () => child.exitCode === null && child.kill('SIGKILL'));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ACTION_TIMEOUT_MS);
    child.once('error', (e) => resolve(e.message));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : `exit ${code ?? signal}: ${err.trim().split('\n').slice(-2).join(' | ')}`);
    });
  });
}

/**
 * Imitates each scenario inside an imitated container (a containerd-shaped cgroup, new
 * namespaces, a matching pod object when a kubeconfig is given) and waits for the alert the
 * default rules promise, read from the alerts topic. Needs root; changes nothing it does not undo.
 */
export async function simulate(o: SimulateOptions): Promise<Simulation> {
  if (process.getuid?.() !== 0) throw new TracehoundError('TH_ERR_CONFIG', 'simulate needs root: it makes cgroups and namespaces to imitate a container');
  const root = findCgroup2Mount();
  if (!root) throw new TracehoundError('TH_ERR_CONFIG', 'simulate needs a cgroup v2 mount (none in /proc/self/mountinfo)');
  const cleanup = o.cleanup ?? new Cleanup();
  const say = o.onProgress ?? (() => undefined);
  const results = new Map<string, ScenarioResult>();
  const runnable: Array<{ s: Scenario; c: ImitatedContainer }> = [];
  try {
    const watcher = new AlertWatcher(o.kafka, topicName(o.topicPrefix, 'alerts'), o.registryUrl);
    cleanup.add('alerts consumer', () => watcher.close());
    await watcher.start();

    const names = o.scenarios.filter((s) => !s.unavailable?.()).map((s) => s.name);
    let pod: PodObject | undefined;
    if (o.kubeconfig) {
      pod = await PodObject.create(loadKubeconfig(o.kubeconfig), o.namespace, `simulate-${Date.now().toString(36)}`, names);
      cleanup.add('pod object', () => pod!.delete());
      say(`pod ${pod.namespace}/${pod.name} (uid ${pod.uid})`);
    }
    const imitated = new ImitatedPod(root, pod?.uid);
    cleanup.add('cgroups', () => imitated.remove());
    const work = mkdtempSync('/tmp/tracehound-simulate-');
    cleanup.add('work dir', () => rmSync(work, { recursive: true, force: true }));
    cleanup.add('log file', () => rmSync(join('/var/log', `tracehound-simulate-${basename(work)}.log`), { force: true }));

    for (const s of o.scenarios) {
      const why = s.unavailable?.();
      if (why) results.set(s.name, { name: s.name, rule: s.rule, outcome: 'skipped', reason: why });
      else runnable.push({ s, c: imitated.container(s.name) });
    }
    await pod?.running(runnable.map((r) => r.c));

    for (const { s, c } of runnable) {
      const failed = await runAction(s, c, work, cleanup);
      say(`${s.name}: ${failed ? `failed (${failed})` : 'done'}`);
      if (failed) results.set(s.name, { name: s.name, rule: s.rule, outcome: 'failed', reason: failed, containerId: c.id });
    }
    const deadline = Date.now() + o.timeoutMs;
    for (const { s, c } of runnable.filter((r) => !results.has(r.s.name))) {
      const hit = await watcher.waitFor((a) => a.rule.id === s.rule && a.event.process?.container_id === c.id, deadline);
      if (!hit) {
        results.set(s.name, { name: s.name, rule: s.rule, outcome: 'no alert', reason: `none within ${o.timeoutMs} ms`, containerId: c.id });
        continue;
      }
      const k = hit.alert.event.k8s;
      results.set(s.name, {
        name: s.name, rule: s.rule, outcome: 'alert', containerId: c.id,
        latencyMs: hit.at - Number(hit.alert.event.ts / 1_000_000n),
        alertId: hit.alert.id, eventId: hit.alert.event.id,
        where: k?.pod ? `${k.namespace}/${k.pod}/${k.container}` : `${hit.alert.event.enrichment ?? 'raw'}`,
      });
    }
    return {
      results: o.scenarios.map((s) => results.get(s.name)!),
      podUid: imitated.uid,
      ...(pod ? { pod: { namespace: pod.namespace, name: pod.name } } : {}),
    };
  } finally {
    await cleanup.run();
  }
}

/** The report: one line per scenario. */
export function formatResults(results: ScenarioResult[]): string {
  const rows = results.map((r) => [
    r.name, r.rule, r.outcome, r.latencyMs !== undefined ? `${r.latencyMs} ms` : '-', r.where ?? r.reason ?? '',
  ]);
  const all = [['scenario', 'expected rule', 'result', 'latency', 'where / why'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((v, i) => (i < r.length - 1 ? v.padEnd(widths[i]!) : v)).join('  ')).join('\n');
}
