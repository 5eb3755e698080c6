import type { Kafka } from 'kafkajs';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import { BatchConsumer, BatchingProducer, SchemaMatch, consumedConcurrently, provisionTopics, topicName, valueSubject, type ConsumedRecord } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, createRegistry, registerWithRetry, type Event } from '@tracehound/schemas';
import type { BatchControl, BatchItem } from '../handlers/enrich-batch.js';
import type { Enriched, Routable } from '../handlers/resolve.js';
import { EnrichedEncoder } from './enriched-encoder.js';
import { rawEventDecoder, type RawEvent } from './raw-event.js';

export interface EnricherKafkaOptions {
  kafka: Kafka;
  prefix: string;
  partitions: number;
  replication: number;
  registryUrl: string;
  groupId: string;
  logger: Logger;
}

export type EnrichFn = (items: BatchItem<Routable>[], ctl: BatchControl) => Promise<Enriched<Routable>[]>;

/**
 * events.raw in, events.enriched out. The consumer commits a batch's offsets only after the
 * handler returns, and the handler returns only after Kafka acknowledged every enriched record
 * of the batch (idempotent producer, acks=all): a crash at any point re-delivers, never loses.
 */
export class EnricherKafka {
  readonly rawTopic: string;
  readonly enrichedTopic: string;
  private readonly deadLetterTopic: string;
  private readonly codec: RecordCodec<'tracehound.Event'>;
  private readonly match: SchemaMatch;
  private readonly encoder: EnrichedEncoder;
  private readonly producer: BatchingProducer;
  private consumer: BatchConsumer<RawEvent> | undefined;

  constructor(private readonly o: EnricherKafkaOptions) {
    this.rawTopic = topicName(o.prefix, 'eventsRaw');
    this.enrichedTopic = topicName(o.prefix, 'eventsEnriched');
    this.deadLetterTopic = topicName(o.prefix, 'deadLetter');
    const registry = createRegistry(o.registryUrl);
    this.codec = new RecordCodec(registry, 'tracehound.Event');
    this.match = new SchemaMatch(this.codec.type, registry);
    this.encoder = new EnrichedEncoder(this.codec);
    this.producer = new BatchingProducer(o.kafka);
  }

  /** Creates missing topics, registers the Event schema for events.enriched, connects the producer. */
  async prepare(): Promise<void> {
    const admin = this.o.kafka.admin();
    try {
      await admin.connect();
      await provisionTopics(admin, { prefix: this.o.prefix, partitions: this.o.partitions, replication: this.o.replication, ids: ['eventsRaw', 'eventsEnriched', 'deadLetter'] });
    } catch (cause) {
      throw new TracehoundError('TH_ERR_KAFKA', `could not provision topics: ${errorMessage(cause)}`, { cause });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    this.match.add(await registerWithRetry(this.codec, valueSubject(this.enrichedTopic), this.o.registryUrl, this.o.logger));
    await this.producer.connect();
  }

  async run(enrich: EnrichFn): Promise<void> {
    this.consumer = new BatchConsumer<RawEvent>(this.o.kafka, {
      groupId: this.o.groupId,
      topics: [this.rawTopic],
      decode: rawEventDecoder(this.codec, this.match),
      deadLetter: { producer: this.producer, topic: this.deadLetterTopic },
      logger: this.o.logger,
      // Every partition of a fetch at once: their records go out in one produce request, and a
      // partition whose batch holds events of an unknown container does not stall the others.
      partitionsConsumedConcurrently: consumedConcurrently(this.o.partitions),
      handle: async (records, ctx) => {
        const enriched = await enrich(records.map(toItem), ctx);
        const messages = [];
        for (let i = 0; i < enriched.length; i++) {
          const e = enriched[i]!;
          const { layout } = records[i]!.value;
          try {
            const value = layout ? this.encoder.splice(layout, e.outcome, e.event.k8s) : this.encoder.encode(e.event as Event);
            messages.push({ key: e.key, value });
          } catch (err) {
            ctx.deadLetter(records[i] as ConsumedRecord<unknown>, 'TH_ERR_ENCODE', errorMessage(err));
          }
        }
        await this.producer.send(this.enrichedTopic, messages);
      },
    });
    await this.consumer.start();
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    await this.producer.disconnect();
  }
}

function toItem(r: ConsumedRecord<RawEvent>): BatchItem<Routable> {
  return { event: r.value.event, key: r.key ? r.key.toString() : null };
}
