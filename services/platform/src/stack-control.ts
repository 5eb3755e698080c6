import { TracehoundError } from '@tracehound/errors';
import { kubeDown, kubeUp, type KubeComponentName, type KubeSettings } from '@tracehound/kube';
import type { Logger } from '@tracehound/logging';
import { portAnswers, stackDown, stackStatus, stackUp, type StackSettings } from '@tracehound/stack';

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
export async function ensureStack(o: { brokers: string; registryUrl: string; settings: StackSettings; logger: Logger; adopt?: string[] }): Promise<Started & { names: string[] }> {
  const [host, port] = o.brokers.split(',')[0]!.split(':') as [string, string];
  const kafkaUp = LOCAL.has(host) ? await portAnswers(Number(port)) : true;
  // Components a crashed `up` of this data dir started, still running from its pid files: ours to stop.
  const running = o.adopt?.length ? (await stackStatus(o.settings)).filter((c) => c.state === 'running').map((c) => c.name) : [];
  const adopted = (o.adopt ?? []).filter((name) => running.includes(name));
  if (kafkaUp && (await registryAnswers(o.registryUrl))) {
    return {
      names: adopted,
      lines: [`kafka           found at ${o.brokers}${adopted.includes('kafka') ? ' (left by a crashed run: stopped at exit)' : ''}`, `registry        found at ${o.registryUrl}${adopted.includes('registry') ? ' (left by a crashed run: stopped at exit)' : ''}`],
      stop: () => stopStack(o.settings, adopted, o.logger),
    };
  }
  if (!LOCAL.has(host)) {
    throw new TracehoundError('TH_ERR_UNREACHABLE', `TRACEHOUND_REGISTRY_URL: no schema registry answers at ${o.registryUrl}, and Kafka (TRACEHOUND_KAFKA_BROKERS=${o.brokers}) is not a local stack this command could start`);
  }
  if (Number(port) !== o.settings.kafka.port) {
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_KAFKA_BROKERS: nothing answers at ${o.brokers}, and the local stack would listen on port ${o.settings.kafka.port} (TRACEHOUND_KAFKA_PORT); make them agree`);
  }
  const up = await stackUp(o.settings);
  const names = up.components.filter((c) => c.action === 'started' || adopted.includes(c.name)).map((c) => c.name);
  return {
    names,
    lines: up.components.map((c) => `${c.name.padEnd(15)} ${c.action === 'started' ? 'started' : 'found'} at ${c.endpoint} (pid ${c.pid})`),
    stop: () => stopStack(o.settings, names, o.logger),
  };
}

/** Stops the named stack components of this data dir, in reverse start order. */
async function stopStack(s: StackSettings, names: string[], logger: Logger): Promise<void> {
  for (const c of await stackDown(s, names)) {
    if (c.pid !== undefined) logger.info({ component: c.name, pid: c.pid, outcome: c.outcome }, `${c.name} stopped`);
  }
}

/** The local Kubernetes API server (`tracehound kube`), started when not running; stop() stops only what was started here. */
export async function ensureLocalKube(settings: KubeSettings, adopt: string[] = []): Promise<Started & { kubeconfig: string; names: string[] }> {
  const up = await kubeUp(settings);
  const started = up.components.filter((c) => c.state === 'started' || adopt.includes(c.name)).map((c) => c.name as KubeComponentName);
  return {
    names: started,
    kubeconfig: up.kubeconfig,
    lines: up.components.map((c) => `${c.name.padEnd(15)} ${c.state === 'started' ? 'started' : 'found'} at ${up.server} (pid ${c.pid})`),
    async stop() {
      if (started.length) await kubeDown(settings, started);
    },
  };
}
