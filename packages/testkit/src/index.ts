import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { CommonConfig, loadConfig } from '@tracehound/config';
import { createKafka, provisionTopics, type TopicId } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { createRegistry } from '@tracehound/schemas';

/**
 * What integration tests share: the broker and registry of the running stack (the same
 * configuration variables as the services) and a topic prefix of their own, so that test
 * files never see each other's records or subjects.
 */
export function stackConfig() {
  return loadConfig(CommonConfig);
}

export function uniquePrefix(name: string): string {
  return `test.${name}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
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
