import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { BatchingProducer, topicName, valueSubject, type BatchingProducerOptions } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, registerWithRetry, type Event, type createRegistry } from '@tracehound/schemas';
import { EventEncoder } from '../event-encoder.js';
import { Publisher } from '../publisher.js';
import { DiskSpool, type SpoolRecord } from '../spool.js';
import type { EventSink } from './sink.js';

export interface KafkaSinkOptions {
  kafka: Kafka;
  registry: ReturnType<typeof createRegistry>;
  registryUrl: string;
  topicPrefix: string;
  dataDir: string;
  spoolMaxBytes: number;
  log: Logger;
  /** Producer batching; AGENT_PRODUCER unless overridden (benchmarks compare settings). */
  producer?: Partial<BatchingProducerOptions>;
}

/**
 * A node's events share a handful of keys (one per container, one for the host), so a batch
 * lands in a few partitions. 2,000 messages per request: with the patched kafkajs (linear
 * grouping) 5,000 published no more at the agent's limit and raised its peak RSS by ~30 MB
 * (bench/agent-capacity.ts). A longer linger than the default gathers the loader's reads into
 * fewer requests at low rates (latency is already bounded by the loader's 100 ms poll).
 */
export const AGENT_PRODUCER: Partial<BatchingProducerOptions> = { lingerMs: 50, maxBatchMessages: 2_000 };

/**
 * Messages waiting for Kafka's acknowledgement in memory before new ones go to the disk spool:
 * about 24 MB of encoded events, half a second at 40k events/s. It was 50,000, whose 60 MB, held
 * whenever Kafka paused, kept the agent's RSS past 200 MB under load; 10,000 sent events to the disk
 * spool at 100k events/s (bench/agent-capacity.ts).
 */
const MAX_IN_MEMORY = 20_000;

/**
 * Encodes events (Avro, Confluent framing) and publishes them to events.raw keyed by
 * node/container, through the publisher that falls back to the disk spool. Writes are gathered
 * per tick so the producer sees batches, not single records.
 */
export class KafkaSink implements EventSink {
  private readonly codec: RecordCodec<'tracehound.Event'>;
  private readonly topic: string;
  private readonly spool: DiskSpool;
  private readonly publisher: Publisher;
  private readonly producer: BatchingProducer;
  private encoder: EventEncoder | undefined;
  /** Message keys by container id (null = host): a handful of distinct values, built once. */
  private readonly keys = new Map<string | null, Buffer>();
  private keyNode = '';
  private pending: SpoolRecord[] = [];
  private scheduled = false;
  encodeErrors = 0;

  private constructor(private readonly o: KafkaSinkOptions) {
    this.codec = new RecordCodec(o.registry, 'tracehound.Event');
    this.topic = topicName(o.topicPrefix, 'eventsRaw');
    this.spool = new DiskSpool({ dir: join(o.dataDir, 'spool'), maxBytes: o.spoolMaxBytes, segmentBytes: Math.min(8 << 20, Math.max(64 << 10, o.spoolMaxBytes >> 4)) });
    this.producer = new BatchingProducer(o.kafka, { ...AGENT_PRODUCER, ...o.producer });
    this.publisher = new Publisher(this.producer, this.spool, o.log, {
      maxInMemory: MAX_IN_MEMORY, replayBatch: 2_000, retryMs: 2_000,
      release: (values) => this.encoder?.release(values),
    });
  }

  /** Registers the Event schema (waiting for the registry) and connects the producer. */
  static async open(o: KafkaSinkOptions): Promise<KafkaSink> {
    const sink = new KafkaSink(o);
    const id = await registerWithRetry(sink.codec, valueSubject(sink.topic), o.registryUrl, o.log);
    sink.encoder = new EventEncoder(sink.codec.type, id, (ev) => sink.codec.encode(ev));
    await sink.producer.connect();
    return sink;
  }

  write(ev: Event): void {
    let value: Buffer;
    try {
      value = this.encoder ? this.encoder.encode(ev) : this.codec.encode(ev);
    } catch (err) {
      this.encodeErrors++;
      this.o.log.error({ err, kind: ev.kind }, 'event does not match the schema; skipped');
      return;
    }
    const cid = ev.process?.container_id ?? null;
    if (ev.node !== this.keyNode) {
      this.keys.clear();
      this.keyNode = ev.node;
    }
    let key = this.keys.get(cid);
    if (!key) {
      key = Buffer.from(`${ev.node}/${cid ?? 'host'}`);
      if (this.keys.size >= 10_000) this.keys.clear();
      this.keys.set(cid, key);
    }
    this.pending.push({ topic: this.topic, key, value });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushPending());
    }
  }

  status() {
    return { output: 'kafka', topic: this.topic, published: this.publisher.published, backlog: this.publisher.backlog, spooled: this.publisher.spooled, encodeErrors: this.encodeErrors };
  }

  spoolState() {
    return { records: this.spool.records, bytes: this.spool.bytes, dropped: this.spool.dropped };
  }

  async close(): Promise<void> {
    this.flushPending();
    await this.publisher.close();
    await this.producer.disconnect().catch(() => undefined);
    this.spool.close();
  }

  private flushPending(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.publisher.publish(batch);
  }
}
