import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { CommonConfig, loadConfig } from '@tracehound/config';
import { BatchingProducer, createKafka, provisionTopics, topicName, valueSubject, type TopicId } from '@tracehound/kafka';
import { silentLogger, type Logger } from '@tracehound/logging';
import { RecordCodec, createRegistry, type Alert, type Event } from '@tracehound/schemas';

/**
 * What integration tests share: the broker and registry of the running stack (the same
 * configuration variables as the services) and a topic prefix of their own, so that test
 * files never see each other's records or subjects.
 */
export function stackConfig() {
  return loadConfig(CommonConfig);
}

/**
 * A topic prefix of its own for a test or benchmark. The topics made under the prefixes of a
 * process are deleted when it is about to exit (see deleteTopicsAtExit), so a long-lived
 * development broker does not collect them.
 */
export function uniquePrefix(name: string): string {
  const prefix = `test.${name}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  madePrefixes.add(prefix);
  if (madePrefixes.size === 1) process.once('beforeExit', () => void deleteTopicsAtExit());
  return prefix;
}

const madePrefixes = new Set<string>();
/** The longest the deletion at exit may hold a process that is done (a broker that is gone fails it at once). */
const EXIT_CLEANUP_MS = 10_000;

/**
 * Deletes the topics of every prefix this process made, once its work is done (Node's
 * `beforeExit`: nothing else is left to run), at most for EXIT_CLEANUP_MS, never failing the
 * process: a broker that is down or unreachable just leaves them.
 */
async function deleteTopicsAtExit(): Promise<void> {
  try {
    const kafka = createKafka({ brokers: stackConfig().TRACEHOUND_KAFKA_BROKERS, clientId: 'test-cleanup', logger: silentLogger(), retry: { retries: 0 }, connectionTimeoutMs: 1_000, requestTimeoutMs: EXIT_CLEANUP_MS });
    await deleteTopicsUnder(kafka, [...madePrefixes], EXIT_CLEANUP_MS);
  } catch {
    // Left for a later `stack down` / fresh data dir: this must not fail or hold a finished test.
  }
}

/**
 * Deletes the topics of a prefix made by uniquePrefix. Benchmarks call it when a run ends: a
 * broker keeps every partition's metadata in its heap, and thousands left behind by earlier runs
 * kept its G1 collector marking all the time (13 % of a core), measured as part of every run after.
 */
export async function deletePrefixTopics(kafka: Kafka, prefix: string): Promise<void> {
  await deleteTopicsUnder(kafka, [prefix], 60_000);
}

async function deleteTopicsUnder(kafka: Kafka, prefixes: string[], timeout: number): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(`${p}.`)));
    if (topics.length) await admin.deleteTopics({ topics, timeout });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface TestKafka {
  kafka: Kafka;
  prefix: string;
  registryUrl: string;
  registry: ReturnType<typeof createRegistry>;
}

/** A kafkajs client on the stack's broker with this test's own topics already created. */
export async function testKafka(name: string, ids?: TopicId[], partitions = 3): Promise<TestKafka> {
  const cfg = stackConfig();
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `test-${name}`, logger: silentLogger() });
  const prefix = uniquePrefix(name);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, { prefix, partitions, replication: 1, ...(ids ? { ids } : {}) });
  } finally {
    await admin.disconnect();
  }
  return { kafka, prefix, registryUrl: cfg.TRACEHOUND_REGISTRY_URL, registry: createRegistry(cfg.TRACEHOUND_REGISTRY_URL) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RecordProducer {
  producer: BatchingProducer;
  /** Events to `<prefix>.events.enriched`, keyed by pod uid (or node) unless `key` says otherwise. */
  sendEvents(list: Event[], key?: (e: Event, i: number) => string): Promise<void>;
  /** Alerts to `<prefix>.alerts`, keyed by their event's pod uid (or node) unless `key` says otherwise. */
  sendAlerts(list: Alert[], key?: (a: Alert, i: number) => string): Promise<void>;
}

/** A connected producer with the Event and Alert codecs registered on this test's enriched and alerts topics. */
export async function recordProducer(tk: TestKafka): Promise<RecordProducer> {
  const events = new RecordCodec(tk.registry, 'tracehound.Event');
  const alerts = new RecordCodec(tk.registry, 'tracehound.Alert');
  const evTopic = topicName(tk.prefix, 'eventsEnriched');
  const alTopic = topicName(tk.prefix, 'alerts');
  await events.register(valueSubject(evTopic));
  await alerts.register(valueSubject(alTopic));
  const producer = new BatchingProducer(tk.kafka);
  await producer.connect();
  const byPod = (e: Event) => e.k8s?.pod_uid ?? e.node;
  return {
    producer,
    sendEvents: (list, key = byPod) => producer.send(evTopic, list.map((e, i) => ({ key: key(e, i), value: events.encode(e) }))),
    sendAlerts: (list, key = (a) => byPod(a.event)) => producer.send(alTopic, list.map((a, i) => ({ key: key(a, i), value: alerts.encode(a) }))),
  };
}
export { testPki, type TestPki } from './tls.js';
export { zigzagVarint } from './varint.js';
export { metricValue } from './metrics.js';
export { Receiver, type Behaviour, type Received } from './receiver.js';

export interface LoggedEntry { level: string; msg: string; namespace?: string; error?: unknown }

/** A logger that keeps what is logged through it, e.g. kafkajs's lines via createKafka (child(), then a level method). */
export function capturingLogger(): { logger: Logger; entries: LoggedEntry[] } {
  const entries: LoggedEntry[] = [];
  const at = (level: string) => (obj: { namespace?: string; error?: unknown }, msg: string) =>
    entries.push({ level, msg, ...(obj.namespace ? { namespace: obj.namespace } : {}), ...(obj.error !== undefined ? { error: obj.error } : {}) });
  const logger = { child: () => logger, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { logger: logger as unknown as Logger, entries };
}
