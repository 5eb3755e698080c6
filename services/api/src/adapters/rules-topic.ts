import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { errorMessage } from '@tracehound/errors';
import { BatchingProducer, provisionTopics, topicName } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import type { RulesTopic } from '../rules/rule-service.js';

export interface RulesMirror extends RulesTopic {
  /** Resolves once every record present at start has been applied. */
  caughtUp: Promise<void>;
  close(): Promise<void>;
}

/**
 * The rules topic for the API: writes rule changes (key = rule id, tombstone deletes) and reads
 * the whole compacted topic into `onRecord`, like a detector, to know the rules in force.
 */
export async function rulesTopic(o: { kafka: Kafka; topicPrefix: string; logger: Logger; onRecord: (key: string, value: string | null) => void }): Promise<RulesMirror> {
  const topic = topicName(o.topicPrefix, 'rules');
  const producer = new BatchingProducer(o.kafka, { lingerMs: 0 });
  await producer.connect();
  const admin = o.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const pending = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
  let caught: () => void = () => undefined;
  const caughtUp = new Promise<void>((r) => (caught = r));
  if (pending.size === 0) caught();
  const consumer = o.kafka.consumer({ groupId: `tracehound-api-rules-${randomUUID()}`, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const key = message.key?.toString('utf8');
      if (key) {
        try {
          o.onRecord(key, message.value === null ? null : message.value.toString('utf8'));
        } catch (err) {
          o.logger.warn({ key, err: errorMessage(err) }, 'rules mirror: record not applied');
        }
      }
      const last = pending.get(partition);
      if (last !== undefined && BigInt(message.offset) >= last) {
        pending.delete(partition);
        if (pending.size === 0) caught();
      }
    },
  });
  return {
    caughtUp,
    publish: (key, value) => producer.send(topic, [{ key, value }]),
    async close() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** Creates the topics the API reads and writes (rules, alerts) if missing, as every stage does at start. */
export async function provisionApiTopics(kafka: Kafka, prefix: string, o: { partitions: number; replication: number }): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, { prefix, ...o, ids: ['rules', 'alerts'] });
  } finally {
    await admin.disconnect();
  }
}
