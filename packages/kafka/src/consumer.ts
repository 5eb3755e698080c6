import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { TracehoundError, errorMessage, isTracehoundError } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { counter, gauge } from '@tracehound/metrics';
import { CoalescedCommits } from './commits.js';
import { deadLetterMessage } from './dead-letter.js';
import { DecompressionPool, type DecompressionPoolOptions } from './decompression-pool.js';
import type { BatchingProducer } from './producer.js';

export interface ConsumedRecord<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: T;
  readonly headers: KafkaMessage['headers'];
  /** ms since epoch, as Kafka stores it */
  readonly timestamp: string;
  /** The original message, for dead-lettering after decode. */
  readonly raw: KafkaMessage;
}

/**
 * A consumed record as the consumer hands it on: four fields of its own, the rest read from the
 * kafkajs message. Consumers hold tens of thousands of records while they store or forward them;
 * a field less on each is less for the collector to copy and mark.
 */
class Consumed<T> implements ConsumedRecord<T> {
  constructor(readonly topic: string, readonly partition: number, readonly value: T, readonly raw: KafkaMessage) {}

  get offset(): string {
    return this.raw.offset;
  }

  get key(): Buffer | null {
    return this.raw.key;
  }

  get headers(): KafkaMessage['headers'] {
    return this.raw.headers;
  }

  get timestamp(): string {
    return this.raw.timestamp;
  }
}

export interface BatchContext {
  /** Sends one record of this batch to the dead-letter topic instead of failing the batch. */
  deadLetter(record: ConsumedRecord<unknown>, code: string, reason: string): void;
  /**
   * Sends the dead letters queued so far (undecodable records included) now rather than after
   * the handler. A handler whose writes let a re-delivery skip records (stored offsets) calls
   * it before each write, so a crash in between cannot lose a dead letter.
   */
  flushDeadLetters(): Promise<void>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

/**
 * Connects, subscribes and runs `eachBatch` with manual commits (the caller commits once its
 * outputs hold). A subscription failure is TH_ERR_UNREACHABLE naming `who` and the topics.
 */
export async function runBatches(consumer: Consumer, who: string, topics: string[], fromBeginning: boolean, eachBatch: (p: EachBatchPayload) => Promise<void>, partitionsConsumedConcurrently = 1): Promise<void> {
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
  } catch (cause) {
    throw new TracehoundError('TH_ERR_UNREACHABLE', `${who} could not subscribe to ${topics.join(', ')}: ${errorMessage(cause)}`, { cause });
  }
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch, partitionsConsumedConcurrently });
}

/**
 * How many partitions' batches a stage handles at once: all of a topic's (up to 16), so that one
 * fetch's batches are handled together and their outputs share produce requests, instead of
 * each waiting for the previous one's acknowledgement. Order within a partition always holds.
 */
export function consumedConcurrently(partitions: number): number {
  return Math.max(1, Math.min(partitions, 16));
}

export type Decoder<T> = (msg: KafkaMessage, topic: string) => T | Promise<T>;
export type BatchHandler<T> = (records: ConsumedRecord<T>[], ctx: BatchContext) => Promise<void>;

export interface BatchConsumerOptions<T> {
  groupId: string;
  topics: string[];
  decode: Decoder<T>;
  handle: BatchHandler<T>;
  /** Where undecodable or rejected records go, with the reason in headers. */
  deadLetter: { producer: BatchingProducer; topic: string };
  logger: Logger;
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /** Batches of different partitions handled at once (order within a partition always holds); 1 by default. */
  partitionsConsumedConcurrently?: number;
  /**
   * Records decoded and handed to the handler at a time, each slice committed once handled; the
   * whole batch when unset. Fetch limits are compressed bytes, so a batch of well-compressed
   * records can hold tens of thousands: slices bound the decoded records held in memory.
   */
  recordsPerHandle?: number;
  /**
   * Decompress fetched batches into reused slabs (decompression-pool.ts), released when their
   * batch is handled or has failed: for a consumer that holds records until they are stored, so
   * that its decompressed batches do not pile up as external memory. The handler must not keep
   * a record's bytes (value, key, headers) after it returns.
   */
  pooledDecompression?: boolean | DecompressionPoolOptions;
}

const consumed = counter({ name: 'tracehound_kafka_consumed_total', help: 'Records handled and committed', labelNames: ['group', 'topic'] });
const deadLettered = counter({ name: 'tracehound_kafka_deadlettered_total', help: 'Records sent to the dead-letter topic', labelNames: ['group', 'topic', 'code'] });
const poolSlabs = gauge({ name: 'tracehound_kafka_decompression_slabs', help: 'Slabs (4 MiB) of a consumer\'s decompression pool: in_use holds batches not yet released, free waits for reuse', labelNames: ['group', 'state'] });
const poolUntracked = counter({ name: 'tracehound_kafka_decompression_slabs_untracked_total', help: 'Slabs let go by a decompression pool with too many in use (never reused; collected once unreferenced)', labelNames: ['group'] });
const batchFailures = counter({ name: 'tracehound_kafka_batch_failures_total', help: 'Batches whose handler failed; they are re-delivered', labelNames: ['group', 'topic'] });

/**
 * A consumer group member that hands decoded batches to a handler and commits a partition's
 * offset only after the handler and any dead-letter writes have succeeded. A handler failure
 * leaves the offset where it was, so the batch is delivered again: at-least-once, never lost.
 */
export class BatchConsumer<T> {
  private readonly consumer: Consumer;
  private readonly commits: CoalescedCommits;
  /** Where this consumer's fetches decompress, when pooledDecompression is set. */
  readonly pool: DecompressionPool | undefined;

  constructor(kafka: Kafka, private readonly o: BatchConsumerOptions<T>) {
    const onUntracked = () => poolUntracked.inc({ group: o.groupId });
    this.pool = o.pooledDecompression ? new DecompressionPool({ ...(o.pooledDecompression === true ? {} : o.pooledDecompression), onUntracked }) : undefined;
    this.consumer = kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.commits = new CoalescedCommits((offsets) => this.consumer.commitOffsets(offsets));
  }

  get raw(): Consumer {
    return this.consumer;
  }

  async start(): Promise<void> {
    const run = () => runBatches(this.consumer, `consumer ${this.o.groupId}`, this.o.topics, this.o.fromBeginning ?? true, (p) => this.onBatch(p), this.o.partitionsConsumedConcurrently);
    await (this.pool ? this.pool.run(run) : run());
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    try {
      await this.handleBatch(p);
    } finally {
      // Handled, or failed and to be fetched again: nothing reads these bytes any more.
      if (this.pool) this.releaseBatch(this.pool, p.batch.messages);
    }
  }

  private releaseBatch(pool: DecompressionPool, messages: KafkaMessage[]): void {
    pool.release(messages);
    const { inUse, free } = pool.slabs;
    poolSlabs.set({ group: this.o.groupId, state: 'in_use' }, inUse);
    poolSlabs.set({ group: this.o.groupId, state: 'free' }, free);
  }

  private async handleBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const step = this.o.recordsPerHandle ?? batch.messages.length;
    // Each slice's commit is sent while the next slice is decoded and handled (commits of one
    // partition leave in order, each after the one before): a slice's handler starts in the same
    // event-loop turn as the other partitions' (the sink gathers their rows into one insert).
    let committed: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < batch.messages.length; i += step) {
        // A rebalance or seek since the fetch: the rest is delivered again from the committed offset.
        if (i > 0 && (!p.isRunning() || p.isStale())) break;
        const slice = batch.messages.slice(i, i + step);
        const last = i + step >= batch.messages.length ? batch.lastOffset() : slice[slice.length - 1]!.offset;
        const handled = await this.onSlice(p, slice, last);
        const before = committed;
        committed = (async () => {
          await before;
          await this.commits.commit(batch.topic, batch.partition, (BigInt(last) + 1n).toString());
          consumed.inc({ group: this.o.groupId, topic: batch.topic }, handled);
        })();
        committed.catch(() => undefined); // awaited below: a failed commit fails the batch
      }
    } finally {
      await committed;
    }
    await p.heartbeat();
  }

  /** Decodes and handles consecutive records of one batch and resolves past `last` (the batch's own last offset for its final slice); returns how many it handled. */
  private async onSlice(p: EachBatchPayload, messages: KafkaMessage[], last: string): Promise<number> {
    const { batch } = p;
    const records: ConsumedRecord<T>[] = [];
    const dead: Array<{ msg: KafkaMessage; code: string; reason: string }> = [];
    for (const msg of messages) {
      try {
        // Decoders answer synchronously but for a schema met the first time: awaiting only those
        // spares every other record a turn through the microtask queue.
        const decoded = this.o.decode(msg, batch.topic);
        const value = decoded instanceof Promise ? await decoded : decoded;
        records.push(new Consumed(batch.topic, batch.partition, value, msg));
      } catch (err) {
        if (isTracehoundError(err) && err.retriable) throw err; // e.g. registry unreachable: retry the batch, do not dead-letter
        dead.push({ msg, code: isTracehoundError(err) ? err.code : 'TH_ERR_DECODE', reason: errorMessage(err) });
      }
    }
    const flushDeadLetters = async () => {
      if (!dead.length) return;
      const sending = dead.splice(0);
      const src = { topic: batch.topic, partition: batch.partition, group: this.o.groupId };
      await this.o.deadLetter.producer.send(this.o.deadLetter.topic, sending.map((d) => deadLetterMessage(d.msg, src, d.code, d.reason)));
      for (const d of sending) {
        deadLettered.inc({ group: this.o.groupId, topic: batch.topic, code: d.code });
        this.o.logger.warn({ topic: batch.topic, partition: batch.partition, offset: d.msg.offset, code: d.code, reason: d.reason }, 'record sent to dead-letter topic');
      }
    };
    const ctx: BatchContext = {
      deadLetter: (r, code, reason) => dead.push({ msg: r.raw, code, reason }),
      flushDeadLetters,
      heartbeat: p.heartbeat,
      isRunning: p.isRunning,
    };
    try {
      if (records.length) await this.o.handle(records, ctx);
      await flushDeadLetters();
    } catch (err) {
      batchFailures.inc({ group: this.o.groupId, topic: batch.topic });
      this.o.logger.error({ err, topic: batch.topic, partition: batch.partition, firstOffset: messages[0]!.offset }, 'batch failed; it will be delivered again');
      throw err;
    }
    p.resolveOffset(last);
    return records.length;
  }
}
