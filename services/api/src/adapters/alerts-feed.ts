import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { errorMessage } from '@tracehound/errors';
import { topicName } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, createRegistry, type Alert } from '@tracehound/schemas';

export interface AlertFeed {
  /** Resolves once the feed reads the topic's new records. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Tails the alerts topic for the live stream: a consumer group of its own per API instance
 * (every instance sees every alert), starting at the end, committing nothing.
 */
export async function startAlertFeed(o: { kafka: Kafka; registryUrl: string; topicPrefix: string; logger: Logger; onAlert: (a: Alert) => void }): Promise<AlertFeed> {
  const codec = new RecordCodec(createRegistry(o.registryUrl), 'tracehound.Alert');
  const consumer = o.kafka.consumer({ groupId: `tracehound-api-live-${randomUUID()}`, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topics: [topicName(o.topicPrefix, 'alerts')], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      try {
        o.onAlert(codec.decodeKnown(message.value) ?? (await codec.decode(message.value)));
      } catch (err) {
        o.logger.warn({ err: errorMessage(err), offset: message.offset }, 'live alert feed: undecodable record skipped');
      }
    },
  });
  return { ready, close: () => consumer.disconnect() };
}
