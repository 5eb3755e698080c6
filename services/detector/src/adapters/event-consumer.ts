import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { errorMessage, isTracehoundError } from '@tracehound/errors';
import { CoalescedCommits, deadLetterMessage, runBatches, type BatchingProducer, type OutgoingMessage } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { counter } from '@tracehound/metrics';

export interface EventConsumerOptions<T> {
  groupId: string;
  topic: string;
  decode(msg: KafkaMessage): T | Promise<T>;
  /** Handles one partition's batch; resolves when its outputs are acknowledged. */
  handle(partition: number, records: Array<{ offset: bigint; value: T }>, heartbeat: () => Promise<void>): Promise<void>;
  /** The oldest offset of the partition still needed to rebuild state, if any. */
  holdback(partition: number): bigint | undefined;
  /** The partition's state must be forgotten (revoked, or a batch failed and will be re-read). */
  forget(partition: number): void;
  deadLetter: { producer: BatchingProducer; topic: string };
  logger: Logger;
  /** Partitions' batches handled at once (state is per partition; order within one holds); 1 by default. */
  partitionsConsumedConcurrently?: number;
}

const consumed = counter({ name: 'tracehound_detector_events_total', help: 'Events evaluated and committed', labelNames: ['topic'] });
const deadLettered = counter({ name: 'tracehound_detector_deadlettered_total', help: 'Events sent to the dead-letter topic', labelNames: ['code'] });

/**
 * The detector's consumer of events.enriched. Like @tracehound/kafka's BatchConsumer it commits
 * only after the handler's alerts are acknowledged, but it commits no further than the oldest
 * event a live stateful window still needs: after a crash the next owner of the partition
 * re-reads from there and rebuilds the windows (alert ids are deterministic, so the replayed
 * part gives the same alerts, not new ones).
 */
export class EventConsumer<T> {
  private readonly consumer: Consumer;
  private readonly committed = new Map<number, bigint>();
  private readonly commits: CoalescedCommits;

  constructor(kafka: Kafka, private readonly o: EventConsumerOptions<T>) {
    this.consumer = kafka.consumer({ groupId: o.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000 });
    this.commits = new CoalescedCommits((offsets) => this.consumer.commitOffsets(offsets));
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const mine = new Set((payload.memberAssignment[o.topic] ?? []) as number[]);
      for (const p of [...this.committed.keys()]) {
        if (!mine.has(p)) {
          this.committed.delete(p);
          o.forget(p);
        }
      }
    });
  }

  async start(): Promise<void> {
    await runBatches(this.consumer, 'detector', [this.o.topic], true, (p) => this.onBatch(p), this.o.partitionsConsumedConcurrently);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    if (batch.messages.length === 0) return;
    const partition = batch.partition;
    if (!this.committed.has(partition)) this.committed.set(partition, BigInt(batch.firstOffset()!));
    const records: Array<{ offset: bigint; value: T }> = [];
    const dead: OutgoingMessage[] = [];
    try {
      for (const msg of batch.messages) {
        try {
          // Synchronous but for a schema met the first time: only those are awaited.
          const decoded = this.o.decode(msg);
          records.push({ offset: BigInt(msg.offset), value: decoded instanceof Promise ? await decoded : decoded });
        } catch (err) {
          if (isTracehoundError(err) && err.retriable) throw err;
          const code = isTracehoundError(err) ? err.code : 'TH_ERR_DECODE';
          dead.push(deadLetterMessage(msg, { topic: batch.topic, partition, group: this.o.groupId }, code, errorMessage(err)));
          deadLettered.inc({ code });
        }
      }
      await this.o.handle(partition, records, p.heartbeat);
      if (dead.length) await this.o.deadLetter.producer.send(this.o.deadLetter.topic, dead);
    } catch (err) {
      // The batch will be read again from the last commit: forget what it taught the windows.
      this.o.forget(partition);
      const from = this.committed.get(partition)!;
      this.o.logger.error({ err, partition, from: String(from) }, 'batch failed; re-reading the partition from its last commit');
      this.consumer.seek({ topic: batch.topic, partition, offset: String(from) });
      return;
    }
    // Fetching moves on; the committed offset may stay behind (holdback) for a restart to replay.
    p.resolveOffset(batch.lastOffset());
    const next = BigInt(batch.lastOffset()) + 1n;
    const hold = this.o.holdback(partition);
    const commit = hold !== undefined && hold < next ? hold : next;
    if (commit > this.committed.get(partition)!) {
      await this.commits.commit(batch.topic, partition, String(commit));
      this.committed.set(partition, commit);
    }
    consumed.inc({ topic: batch.topic }, records.length);
    await p.heartbeat();
  }
}
