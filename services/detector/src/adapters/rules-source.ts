import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';

export interface RulesSourceOptions {
  topic: string;
  groupPrefix: string;
  logger: Logger;
  /** Called for every record in topic order; a null value is a tombstone. */
  onRecord(key: string, value: string | null, at: string): void;
}

/**
 * Every detector instance reads the whole compacted rules topic, so it joins a consumer group
 * of its own (random suffix, no commits) and starts from the beginning. `start` resolves once
 * the records that existed at start-up have been applied; changes keep flowing afterwards.
 */
export class RulesSource {
  private readonly consumer: Consumer;
  /** High watermark when started: how many records the topic had. */
  endOffset = 0n;

  constructor(private readonly kafka: Kafka, private readonly o: RulesSourceOptions) {
    this.consumer = kafka.consumer({ groupId: `${o.groupPrefix}-rules-${randomBytes(6).toString('hex')}`, allowAutoTopicCreation: false });
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const pending = new Map<number, bigint>();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.o.topic);
      this.endOffset = offsets.reduce((n, p) => n + BigInt(p.high), 0n);
      for (const p of offsets) if (BigInt(p.high) > BigInt(p.low)) pending.set(p.partition, BigInt(p.high));
    } finally {
      await admin.disconnect();
    }
    let caughtUp!: () => void;
    const done = new Promise<void>((r) => (caughtUp = r));
    if (pending.size === 0) caughtUp();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.o.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString('utf8');
        const at = `${this.o.topic}/${partition}@${message.offset}`;
        if (key) {
          try {
            this.o.onRecord(key, message.value ? message.value.toString('utf8') : null, at);
          } catch (err) {
            this.o.logger.error({ err, at }, `rule record could not be applied: ${errorMessage(err)}`);
          }
        } else {
          this.o.logger.warn({ at }, 'rules record without a key ignored');
        }
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          pending.delete(partition);
          if (pending.size === 0) caughtUp();
        }
      },
    });
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new TracehoundError('TH_ERR_TIMEOUT', `rules topic ${this.o.topic} not read within ${timeoutMs} ms`)), timeoutMs).unref());
    await Promise.race([done, timer]);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
