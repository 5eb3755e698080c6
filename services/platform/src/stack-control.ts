import { TracehoundError } from '@tracehound/errors';
import { kubeDown, kubeUp, type KubeComponentName, type KubeSettings } from '@tracehound/kube';
import type { Logger } from '@tracehound/logging';
import { COMPONENTS, layout, portAnswers, removePid, stackUp, stopProcess, type StackSettings } from '@tracehound/stack';

/** What `up` started beside itself, so that Ctrl-C stops exactly that and leaves what it found. */
export interface Started {
  /** Human lines: what runs where, found or started. */
  lines: string[];
  stop(): Promise<void>;
}

const LOCAL = new Set(['127.0.0.1', 'localhost']);

async function registryAnswers(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(3_000) });
    return r.ok;
  } catch {
    return false;
  }
}

/**
 * Kafka and the registry: used as found when both answer; otherwise the local stack is started
 * (Kafka KRaft + Apicurio from Maven Central) under the data dir, and only what was started here
 * is stopped again by `stop()`.
 */
export async function ensureStack(o: { brokers: string; registryUrl: string; settings: StackSettings; logger: Logger }): Promise<Started> {
  const [host, port] = o.brokers.split(',')[0]!.split(':') as [string, string];
  const kafkaUp = LOCAL.has(host) ? await portAnswers(Number(port)) : true;
  if (kafkaUp && (await registryAnswers(o.registryUrl))) {
    return { lines: [`kafka           found at ${o.brokers}`, `registry        found at ${o.registryUrl}`], stop: async () => undefined };
  }
  if (!LOCAL.has(host)) {
    throw new TracehoundError('TH_ERR_UNREACHABLE', `TRACEHOUND_REGISTRY_URL: no schema registry answers at ${o.registryUrl}, and Kafka (TRACEHOUND_KAFKA_BROKERS=${o.brokers}) is not a local stack this command could start`);
  }
  if (Number(port) !== o.settings.kafka.port) {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_KAFKA_BROKERS: nothing answers at ${o.brokers}, and the local stack would listen on port ${o.settings.kafka.port} (TRACEHOUND_KAFKA_PORT); make them agree`);
  }
  const up = await stackUp(o.settings);
  const started = up.components.filter((c) => c.action === 'started');
  return {
    lines: up.components.map((c) => `${c.name.padEnd(15)} ${c.action === 'started' ? 'started' : 'found'} at ${c.endpoint} (pid ${c.pid})`),
    async stop() {
      for (const c of [...started].reverse()) {
        const component = COMPONENTS.map((make) => make(o.settings)).find((x) => x.name === c.name)!;
        const outcome = await stopProcess(c.pid, component.marker, o.settings.stopGraceMs);
        removePid(layout(o.settings).pidFile(c.name));
        o.logger.info({ component: c.name, pid: c.pid, outcome }, `${c.name} stopped`);
      }
    },
  };
}

/** The local Kubernetes API server (`tracehound kube`), started when not running; stop() stops only what was started here. */
export async function ensureLocalKube(settings: KubeSettings): Promise<Started & { kubeconfig: string }> {
  const up = await kubeUp(settings);
  const started = up.components.filter((c) => c.state === 'started').map((c) => c.name as KubeComponentName);
  return {
    kubeconfig: up.kubeconfig,
    lines: up.components.map((c) => `${c.name.padEnd(15)} ${c.state === 'started' ? 'started' : 'found'} at ${up.server} (pid ${c.pid})`),
    async stop() {
      if (started.length) await kubeDown(settings, started);
    },
  };
}
