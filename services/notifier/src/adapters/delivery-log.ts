import type { Kafka } from 'kafkajs';
import { BatchingProducer, valueSubject } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, createRegistry, registerWithRetry, type Delivery } from '@tracehound/schemas';

const FINAL = new Set(['delivered', 'failed', 'dropped']);

/**
 * The delivery log: every attempt and result as a `Delivery` record on `notify.deliveries`
 * (key route id/message id), which the sink stores for the API and UI. At start the notifier
 * reads back the recent part (`horizonMs`) to learn which alerts each route already finished,
 * so alerts read again after a restart are not sent again.
 */
export class DeliveryLog {
  private readonly codec: RecordCodec<'tracehound.Delivery'>;

  constructor(private readonly kafka: Kafka, private readonly producer: BatchingProducer, private readonly topic: string, private readonly registryUrl: string, private readonly logger: Logger) {
    this.codec = new RecordCodec(createRegistry(registryUrl), 'tracehound.Delivery');
  }

  async start(): Promise<void> {
    await registerWithRetry(this.codec, valueSubject(this.topic), this.registryUrl, this.logger);
  }

  write(d: Delivery): Promise<void> {
    return this.producer.send(this.topic, [{ key: `${d.route_id}/${d.id}`, value: this.codec.encode(d) }]);
  }

  /** Reads final results written since `now - horizonMs` up to the current end; calls `onFinal` for each. */
  async replay(horizonMs: number, onFinal: (d: Delivery) => void, timeoutMs = 60_000): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    let starts: Array<{ partition: number; offset: string }>;
    let ends: Array<{ partition: number; high: string }>;
    try {
      ends = await admin.fetchTopicOffsets(this.topic);
      starts = await admin.fetchTopicOffsetsByTimestamp(this.topic, Date.now() - horizonMs);
    } finally {
      await admin.disconnect();
    }
    const pending = new Map<number, bigint>();
    const first = new Map<number, bigint>();
    for (const e of ends) {
      const from = starts.find((s) => s.partition === e.partition);
      const start = from && BigInt(from.offset) >= 0n ? BigInt(from.offset) : BigInt(e.high);
      first.set(e.partition, start);
      if (BigInt(e.high) > start) pending.set(e.partition, BigInt(e.high) - 1n);
    }
    if (pending.size === 0) return 0;
    let n = 0;
    const consumer = this.kafka.consumer({ groupId: `tracehound-notifier-replay-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      let finished!: () => void;
      const done = new Promise<void>((r) => (finished = r));
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const last = pending.get(partition);
          if (last === undefined || BigInt(message.offset) < first.get(partition)!) return;
          if (message.value) {
            const d = this.codec.decodeKnown(message.value) ?? (await this.codec.decode(message.value));
            if (FINAL.has(d.outcome)) {
              onFinal(d);
              n++;
            }
          }
          if (BigInt(message.offset) >= last) {
            pending.delete(partition);
            if (pending.size === 0) finished();
          }
        },
      });
      for (const [partition, offset] of first) if (pending.has(partition)) consumer.seek({ topic: this.topic, partition, offset: String(offset) });
      const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`delivery log ${this.topic} not read back within ${timeoutMs} ms`)), timeoutMs).unref());
      await Promise.race([done, timer]);
    } finally {
      await consumer.disconnect();
    }
    return n;
  }
}
