import { existsSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { CommonConfig, EnricherConfig, SimulateConfig, loadConfig, type Environment } from '@tracehound/config';
import { createKafka } from '@tracehound/kafka';
import { kubeLayout, kubeStatus, loadKubeSettings } from '@tracehound/kube';
import { silentLogger } from '@tracehound/logging';
import { Cleanup } from './cleanup.js';
import { formatResults, simulate } from './run.js';
import { selectScenarios } from './scenarios.js';

export const SimulateProcessConfig = Type.Composite([CommonConfig, Type.Pick(EnricherConfig, ['TRACEHOUND_KUBECONFIG']), SimulateConfig]);

/** TRACEHOUND_KUBECONFIG, else the local API server's admin kubeconfig when it runs, else none (no pod object). */
async function kubeconfigFor(cfg: { TRACEHOUND_KUBECONFIG?: string | undefined }, env?: Environment): Promise<string | undefined> {
  if (cfg.TRACEHOUND_KUBECONFIG) return cfg.TRACEHOUND_KUBECONFIG;
  const settings = loadKubeSettings(env);
  const running = (await kubeStatus(settings)).some((c) => c.name === 'kube-apiserver' && c.state === 'running');
  const file = kubeLayout(settings).kubeconfig;
  return running && existsSync(file) ? file : undefined;
}

/**
 * `tracehound simulate [scenario…]`: owns the process. Ctrl-C (or SIGTERM) undoes what was made
 * so far, then exits 130. The exit code is 1 when an expected alert did not come.
 */
export async function main(names: string[], overrides: Record<string, string> = {}, out = (s: string) => process.stdout.write(s)): Promise<void> {
  const cfg = loadConfig(SimulateProcessConfig, undefined, overrides);
  const scenarios = selectScenarios(names);
  const kubeconfig = await kubeconfigFor(cfg);
  out(kubeconfig ? `imitated pod objects on the API server of ${kubeconfig}\n` : 'no Kubernetes API server (set TRACEHOUND_KUBECONFIG or run `tracehound kube up`): events stay unresolved\n');
  const cleanup = new Cleanup();
  const reportCleanup = () => {
    if (cleanup.failures.length) out(`cleanup problems:\n  ${cleanup.failures.join('\n  ')}\n`);
  };
  const interrupted = (signal: string) => {
    out(`\n${signal}: cleaning up\n`);
    void cleanup.run().finally(() => {
      reportCleanup();
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const run = await simulate({
      scenarios,
      kafka: createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-simulate`, logger: silentLogger() }),
      topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
      registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
      ...(kubeconfig ? { kubeconfig } : {}),
      namespace: cfg.TRACEHOUND_SIMULATE_NAMESPACE,
      timeoutMs: cfg.TRACEHOUND_SIMULATE_TIMEOUT_MS,
      cleanup,
      onProgress: (line) => out(`  ${line}\n`),
    });
    out(`${formatResults(run.results)}\n`);
    reportCleanup();
    if (run.results.some((r) => r.outcome === 'no alert' || r.outcome === 'failed')) process.exitCode = 1;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
}
