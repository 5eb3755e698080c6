import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { TracehoundError } from '@tracehound/errors';
import { avroDecoder } from '@tracehound/kafka';
import { RecordCodec, createRegistry, type Alert } from '@tracehound/schemas';

export interface SeenAlert {
  alert: Alert;
  /** Wall-clock ms when it was read here. */
  at: number;
}

/**
 * Reads the alerts topic from its end as of start(): a consumer group of its own that commits
 * nothing and is deleted again at close().
 */
export class AlertWatcher {
  readonly seen: SeenAlert[] = [];
  private readonly groupId = `tracehound-simulate-${randomBytes(4).toString('hex')}`;
  private consumer: Consumer | undefined;

  constructor(private readonly kafka: Kafka, private readonly topic: string, private readonly registryUrl: string) {}

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await (async () => {
      if (!(await admin.listTopics()).includes(this.topic)) {
        throw new TracehoundError('TH_ERR_UNKNOWN_TOPIC', `no topic ${this.topic} on the broker: is the platform running (tracehound up) with this TRACEHOUND_TOPIC_PREFIX?`);
      }
      return admin.fetchTopicOffsets(this.topic);
    })().finally(() => admin.disconnect());
    const decode = avroDecoder(new RecordCodec(createRegistry(this.registryUrl), 'tracehound.Alert'));
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        this.seen.push({ alert: await decode(message, this.topic), at: Date.now() });
      },
    });
    for (const p of ends) consumer.seek({ topic: this.topic, partition: p.partition, offset: p.offset });
    await joined;
  }

  /** The first alert that matches, waiting until the deadline (wall-clock ms). */
  async waitFor(match: (a: Alert) => boolean, deadline: number): Promise<SeenAlert | undefined> {
    for (;;) {
      const hit = this.seen.find((s) => match(s.alert));
      if (hit || Date.now() > deadline) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
