import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Kafka } from 'kafkajs';
import { pino, type Logger } from 'pino';
import { loadConfig } from '@tracehound/config';
import { BatchConsumer, BatchingProducer, avroDecoder, topicName, valueSubject } from '@tracehound/kafka';
import { applyManifest, createNamespace, kubeLayout, kubeUp, loadKubeSettings, loadKubeconfig, serviceAccountKubeconfig, type KubeSettings, type KubeUp } from '@tracehound/kube';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, createRegistry, sampleEvent, sampleProcess, type Event } from '@tracehound/schemas';
import { EnricherServiceConfig, createEnricher, type Enricher, type EnricherDeps } from '../src/app.js';

export const RBAC_FILE = fileURLToPath(new URL('../../../k8s/base/enricher-rbac.yaml', import.meta.url));

export interface TestKube {
  settings: KubeSettings;
  up: KubeUp;
  admin: KubeConfig;
  caFile: string;
}

/** The shared local API server of this data dir (started if needed, left running like the stack). */
export async function testKube(settings: KubeSettings = loadKubeSettings()): Promise<TestKube> {
  const up = await kubeUp(settings);
  return { settings, up, admin: loadKubeconfig(up.kubeconfig), caFile: kubeLayout(settings).servingCert };
}

/**
 * A kubeconfig for the enricher's own service account, bound by the shipped k8s/base/enricher-rbac.yaml:
 * tests run with exactly the privileges a deployment gets, so a missing rule fails them.
 */
export async function enricherKubeconfig(k: TestKube): Promise<string> {
  const core = k.admin.makeApiClient(CoreV1Api);
  const exists = await core.readNamespace({ name: 'tracehound' }).then(() => true, () => false);
  if (!exists) {
    await createNamespace(k.admin, 'tracehound');
    await applyManifest(k.admin, readFileSync(RBAC_FILE, 'utf8'));
  }
  return serviceAccountKubeconfig(k.admin, {
    namespace: 'tracehound', serviceAccount: 'tracehound-enricher', caFile: k.caFile,
    path: join(await mkdtemp(join(tmpdir(), 'th-enricher-')), 'kubeconfig'),
  });
}

export const uniqueName = (base: string) => `${base}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
export const containerId = () => randomBytes(32).toString('hex');

/** A cgroup v2 path as the systemd driver names it for a containerd container of a pod. */
export function cgroupPath(podUid: string, cid: string): string {
  const u = podUid.replace(/-/g, '_');
  return `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u}.slice/cri-containerd-${cid}.scope`;
}

/** Now, ns since the epoch: events of the tests are current (storage refuses ones past its retention). */
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** A raw event as the agent sends it, now: container id and cgroup path set, no k8s block. */
export function containerEvent(id: string, cid: string, podUid: string | null, node = 'node-1'): Event {
  return sampleEvent('process_exec', {
    id, node, ts: nowNs(),
    process: sampleProcess({ container_id: cid, cgroup_path: podUid ? cgroupPath(podUid, cid) : `/system.slice/docker-${cid}.scope` }),
  });
}

export function hostEvent(id: string, node = 'node-1'): Event {
  return sampleEvent('process_exec', { id, node, ts: nowNs(), process: sampleProcess({ container_id: null, cgroup_path: '/system.slice/sshd.service' }) });
}

export async function rawSender(kafka: Kafka, prefix: string, registryUrl: string) {
  const codec = new RecordCodec(createRegistry(registryUrl), 'tracehound.Event');
  const raw = topicName(prefix, 'eventsRaw');
  await codec.register(valueSubject(raw));
  const producer = new BatchingProducer(kafka);
  await producer.connect();
  return {
    send: (events: Event[]) => producer.send(raw, events.map((e) => ({ key: `${e.node}/${e.process?.container_id ?? ''}`, value: codec.encode(e) }))),
    close: () => producer.disconnect(),
  };
}

/** Reads events.enriched from the start into a map by event id. */
export async function enrichedReader(kafka: Kafka, prefix: string, registryUrl: string) {
  const enriched = new Map<string, Array<{ key: string; event: Event }>>();
  const producer = new BatchingProducer(kafka);
  await producer.connect();
  const consumer = new BatchConsumer<Event>(kafka, {
    groupId: `${prefix}.reader`, topics: [topicName(prefix, 'eventsEnriched')], logger: silentLogger(),
    decode: avroDecoder(new RecordCodec(createRegistry(registryUrl), 'tracehound.Event')),
    deadLetter: { producer, topic: topicName(prefix, 'deadLetter') },
    handle: async (records) => {
      for (const r of records) {
        const list = enriched.get(r.value.id) ?? [];
        list.push({ key: r.key?.toString() ?? '', event: r.value });
        enriched.set(r.value.id, list);
      }
    },
  });
  await consumer.start();
  return {
    enriched,
    async waitFor(id: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!enriched.has(id)) {
        if (Date.now() > deadline) throw new Error(`event ${id} not enriched within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return enriched.get(id)![0]!;
    },
    close: async () => {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}

export function enricherConfig(prefix: string, kubeconfig: string, extra: Record<string, string> = {}) {
  return loadConfig(EnricherServiceConfig, {
    ...process.env,
    TRACEHOUND_TOPIC_PREFIX: prefix,
    TRACEHOUND_TOPIC_PARTITIONS: '3',
    TRACEHOUND_KUBECONFIG: kubeconfig,
    TRACEHOUND_CLUSTER_NAME: 'test-cluster',
    TRACEHOUND_ENRICHER_GROUP: `${prefix}.enricher`,
    TRACEHOUND_ENRICHER_ANNOTATIONS: 'tracehound.dev/*,team',
    ...extra,
  });
}

export function startTestEnricher(prefix: string, kubeconfig: string, deps: Partial<EnricherDeps> & { kafka: Kafka }, extra: Record<string, string> = {}): Enricher {
  return createEnricher(enricherConfig(prefix, kubeconfig, extra), {
    logger: silentLogger(),
    informer: { backoff: { initialDelayMs: 200, maxDelayMs: 2_000 }, watchTimeoutSeconds: [60, 120] },
    ...deps,
  });
}

/**
 * An enricher started (first list done or timed out) with a raw-event sender and an enriched-event
 * reader on the same topics; all three are closed at the test's teardown.
 */
export async function startPipeline(t: { teardown(fn: () => Promise<void>): void }, o: {
  prefix: string; kubeconfig: string; kafka: Kafka; registryUrl: string; env?: Record<string, string>; logger?: Logger;
}) {
  const enricher = startTestEnricher(o.prefix, o.kubeconfig, { kafka: o.kafka, ...(o.logger ? { logger: o.logger } : {}) }, o.env);
  await enricher.start();
  const raw = await rawSender(o.kafka, o.prefix, o.registryUrl);
  const out = await enrichedReader(o.kafka, o.prefix, o.registryUrl);
  t.teardown(async () => {
    await enricher.close();
    await raw.close();
    await out.close();
  });
  return { enricher, raw, out };
}

/** A logger whose JSON lines a test can read. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** Current value of a metric series (summed over series matching `labels`). */
export interface DeploymentPod {
  pod: V1Pod;
  uid: string;
  deployment: string;
  replicaSet: string;
}

/**
 * What a Deployment's controllers would have made (there is no controller manager): the
 * Deployment, a ReplicaSet it controls, and a pod the ReplicaSet controls, bound to a node.
 */
export async function createDeploymentPod(admin: KubeConfig, namespace: string, name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}, annotations: Record<string, string> = {}): Promise<DeploymentPod> {
  const apps = admin.makeApiClient(AppsV1Api);
  const core = admin.makeApiClient(CoreV1Api);
  const labels = { app: name };
  const containers = spec.containers ?? [{ name: 'web', image: 'nginx:1.27' }];
  const template = { metadata: { labels }, spec: { ...spec, containers } };
  const dep = await apps.createNamespacedDeployment({ namespace, body: {
    metadata: { name, labels },
    spec: { selector: { matchLabels: labels }, template },
  } });
  const rsName = `${name}-7d4b9c`;
  const rs = await apps.createNamespacedReplicaSet({ namespace, body: {
    metadata: { name: rsName, labels: { ...labels, 'pod-template-hash': '7d4b9c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dep.metadata!.uid!, controller: true }] },
    spec: { selector: { matchLabels: labels }, template },
  } });
  const pod = await core.createNamespacedPod({ namespace, body: {
    metadata: {
      name: `${rsName}-${randomUUID().slice(0, 5)}`,
      labels: { ...labels, 'pod-template-hash': '7d4b9c' },
      annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rs.metadata!.uid!, controller: true }],
    },
    spec: { nodeName: 'node-1', ...spec, containers },
  } });
  return { pod, uid: pod.metadata!.uid!, deployment: name, replicaSet: rsName };
}

/** Deletes at once (grace 0): with no kubelet a bound pod would otherwise wait for one forever. */
export async function forceDeletePod(admin: KubeConfig, namespace: string, name: string): Promise<void> {
  await admin.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
}
