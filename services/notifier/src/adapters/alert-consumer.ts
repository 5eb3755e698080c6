import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { errorMessage, isTracehoundError } from '@tracehound/errors';
import { avroDecoder, deadLetterMessage, runBatches, type BatchingProducer } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, createRegistry, type Alert } from '@tracehound/schemas';
import type { PendingOffsets } from '../delivery/pending.js';

export interface AlertConsumerOptions {
  groupId: string;
  topic: string;
  registryUrl: string;
  pending: PendingOffsets;
  /** Hands one alert to the routes; returns how many routes took it (each will call pending.done). */
  dispatch(alert: Alert, partition: number, offset: bigint): number;
  deadLetter: { producer: BatchingProducer; topic: string };
  logger: Logger;
  commitEveryMs?: number;
}

/**
 * Reads the alerts topic in the notifier's own consumer group. Dispatching never waits for a
 * receiver, so one slow route holds up nothing else; the group's offset moves only up to the
 * oldest alert some route has not finished (delivered, failed for good, or dropped — each
 * recorded in the delivery log first). Undecodable alerts go to the dead-letter topic.
 */
export class AlertConsumer {
  private readonly consumer: Consumer;
  private readonly decode: ReturnType<typeof avroDecoder<'tracehound.Alert'>>;
  private readonly committed = new Map<number, bigint>();
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;

  constructor(kafka: Kafka, private readonly o: AlertConsumerOptions) {
    this.consumer = kafka.consumer({ groupId: o.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000, maxWaitTimeInMs: 100 });
    this.decode = avroDecoder(new RecordCodec(createRegistry(o.registryUrl), 'tracehound.Alert'));
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = new Set((payload.memberAssignment[o.topic] ?? []) as number[]);
      for (const p of [...this.committed.keys()]) if (!mine.has(p)) { this.committed.delete(p); o.pending.forget(p); }
    });
  }

  async start(): Promise<void> {
    await runBatches(this.consumer, 'notifier', [this.o.topic], true, (p) => this.onBatch(p));
    this.timer = setInterval(() => void this.commit(), this.o.commitEveryMs ?? 500);
  }

  /** Commits what is finished, then leaves the group. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.commit();
    await this.consumer.disconnect();
  }

  commit(): Promise<void> {
    this.committing ??= this.commitNow().finally(() => (this.committing = undefined));
    return this.committing;
  }

  private async commitNow(): Promise<void> {
    const offsets = [];
    for (const [partition, offset] of this.o.pending.commitPoints()) {
      if (offset > (this.committed.get(partition) ?? -1n)) offsets.push({ topic: this.o.topic, partition, offset: String(offset) });
    }
    if (!offsets.length) return;
    try {
      await this.consumer.commitOffsets(offsets);
      for (const c of offsets) this.committed.set(c.partition, BigInt(c.offset));
    } catch (err) {
      this.o.logger.warn({ err: errorMessage(err) }, 'offset commit failed; retried at the next tick');
    }
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const dead = [];
    for (const msg of batch.messages) {
      const offset = BigInt(msg.offset);
      let alert: Alert;
      try {
        alert = await this.decode(msg, batch.topic);
      } catch (err) {
        if (isTracehoundError(err) && err.retriable) throw err;
        dead.push(deadLetterMessage(msg, { topic: batch.topic, partition: batch.partition, group: this.o.groupId }, isTracehoundError(err) ? err.code : 'TH_ERR_DECODE', errorMessage(err)));
        this.o.pending.add(batch.partition, offset, 0);
        continue;
      }
      this.o.pending.add(batch.partition, offset, this.o.dispatch(alert, batch.partition, offset));
    }
    if (dead.length) await this.o.deadLetter.producer.send(this.o.deadLetter.topic, dead);
    p.resolveOffset(batch.lastOffset());
    await p.heartbeat();
    await this.commit();
  }
}
