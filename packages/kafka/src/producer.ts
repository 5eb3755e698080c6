import type { IHeaders, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import { counter, histogram } from '@tracehound/metrics';
import { COMPRESSION, type CompressionName } from './compression.js';
import { murmur2Partitioner } from './partitioner.js';

export interface OutgoingMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
  /** ms since epoch, as a string (kafkajs form); defaults to the send time. */
  timestamp?: string;
}

export interface BatchingProducerOptions {
  /** How long a message may wait for companions before its batch is sent. */
  lingerMs: number;
  maxBatchMessages: number;
  maxBatchBytes: number;
  compression: CompressionName;
}

/**
 * 2,000 messages per request. kafkajs as published groups a request's messages by partition in
 * time quadratic in the messages per partition, which made larger requests cost more per message
 * (bench/enricher-throughput.ts); the installed kafkajs is patched to group in linear time
 * (patches/, README "Kafka client"), and 5,000 per request then gained nothing in the agent
 * (bench/agent-capacity.ts) while holding more memory.
 */
export const DEFAULT_PRODUCER: BatchingProducerOptions = { lingerMs: 5, maxBatchMessages: 2_000, maxBatchBytes: 4 * 1024 * 1024, compression: 'lz4' };

interface Pending {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const produced = counter({ name: 'tracehound_kafka_produced_total', help: 'Messages acknowledged by Kafka', labelNames: ['topic'] });
const produceErrors = counter({ name: 'tracehound_kafka_produce_errors_total', help: 'Messages whose batch Kafka did not acknowledge', labelNames: ['topic'] });
const batchSize = histogram({ name: 'tracehound_kafka_batch_messages', help: 'Messages per produce request', buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000] });

/**
 * kafkajs sends one request per `send` call, so awaiting each message caps a producer at a few
 * thousand messages a second. This wrapper gathers messages from all callers into batches
 * (by count, bytes and a short linger), sends one batch at a time with the idempotent producer
 * and acks from all replicas, and resolves each caller's promise when its messages are acked.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly o: BatchingProducerOptions;
  private queue: Pending[] = [];
  private queuedMessages = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(kafka: Kafka, options: Partial<BatchingProducerOptions> = {}) {
    this.o = { ...DEFAULT_PRODUCER, ...options };
    // Idempotence needs one request in flight to keep order across retries. Retries keep the
    // client's bounded count (see createKafka: kafkajs's warning about that bound is not logged).
    // The partitioner is named (murmur2 as kafkajs's default and Java clients, computed without
    // kafkajs's 64-bit Long objects) so that kafkajs does not warn that its default changed in v2.
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: murmur2Partitioner });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (cause) {
      throw new TracehoundError('TH_ERR_UNREACHABLE', `Kafka producer could not connect: ${errorMessage(cause)}`, { cause });
    }
  }

  /** Messages waiting to be sent or acknowledged. */
  get buffered(): number {
    return this.queuedMessages;
  }

  /**
   * Queues messages for one topic; resolves when Kafka has acknowledged all of them, rejects
   * when any was not. Either way it settles only when the producer holds none of them any more
   * (a list longer than a batch goes in several), so a caller may reuse their memory then.
   */
  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new TracehoundError('TH_ERR_KAFKA', 'producer is closed', { retriable: false }));
    if (messages.length === 0) return Promise.resolve();
    const parts: Promise<void>[] = [];
    for (let i = 0; i < messages.length; i += this.o.maxBatchMessages) {
      const chunk = messages.slice(i, i + this.o.maxBatchMessages) as Message[];
      let bytes = 0;
      for (const m of chunk) bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
      parts.push(new Promise<void>((resolve, reject) => {
        this.queue.push({ topic, messages: chunk, bytes, resolve, reject });
        this.queuedMessages += chunk.length;
        this.queuedBytes += bytes;
      }));
    }
    this.schedule();
    if (parts.length === 1) return parts[0]!;
    return Promise.allSettled(parts).then((settled) => {
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
    });
  }

  /** Sends everything queued now and waits for the acknowledgements. */
  async flush(): Promise<void> {
    while (this.queue.length || this.inFlight) {
      if (!this.inFlight) this.drain();
      await this.inFlight?.catch(() => undefined);
    }
  }

  async disconnect(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.producer.disconnect();
  }

  private schedule(): void {
    if (this.inFlight) return; // the running batch drains the queue when it completes
    if (this.queuedMessages >= this.o.maxBatchMessages || this.queuedBytes >= this.o.maxBatchBytes) {
      this.drain();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.drain(), this.o.lingerMs);
    }
  }

  private drain(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const batch: Pending[] = [];
    let n = 0;
    let bytes = 0;
    while (this.queue.length && (batch.length === 0 || (n + this.queue[0]!.messages.length <= this.o.maxBatchMessages && bytes + this.queue[0]!.bytes <= this.o.maxBatchBytes))) {
      const p = this.queue.shift()!;
      batch.push(p);
      n += p.messages.length;
      bytes += p.bytes;
    }
    this.inFlight = this.sendBatch(batch, n, bytes).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length) this.schedule();
    });
  }

  private async sendBatch(batch: Pending[], n: number, bytes: number): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const p of batch) {
      const list = byTopic.get(p.topic);
      if (list) list.push(...p.messages);
      else byTopic.set(p.topic, [...p.messages]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    batchSize.observe(n);
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1, compression: COMPRESSION[this.o.compression] });
      for (const [topic, messages] of byTopic) produced.inc({ topic }, messages.length);
      for (const p of batch) p.resolve();
    } catch (cause) {
      for (const [topic, messages] of byTopic) produceErrors.inc({ topic }, messages.length);
      const err = new TracehoundError('TH_ERR_KAFKA', `produce of ${n} messages failed: ${errorMessage(cause)}`, { cause });
      for (const p of batch) p.reject(err);
    } finally {
      this.queuedMessages -= n;
      this.queuedBytes -= bytes;
    }
  }
}
