import { errorMessage } from '@tracehound/errors';
import type { BatchingProducer } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import type { DiskSpool, SpoolRecord } from './spool.js';

function groupByTopic(records: SpoolRecord[]): Map<string, SpoolRecord[]> {
  const byTopic = new Map<string, SpoolRecord[]>();
  for (const r of records) {
    const l = byTopic.get(r.topic);
    if (l) l.push(r);
    else byTopic.set(r.topic, [r]);
  }
  return byTopic;
}

export interface PublisherOptions {
  /** Past this many unacknowledged messages in memory, new ones go to the spool. */
  maxInMemory: number;
  /** Records per replay batch from the spool. */
  replayBatch: number;
  /** Pause between replay attempts while Kafka is away. */
  retryMs: number;
  /**
   * Called once for every record given to `publish` when the publisher is done with it:
   * acknowledged by Kafka, or copied into the spool (whose replays are its own records).
   */
  release?: (values: Buffer[]) => void;
}

/**
 * Sends encoded events to Kafka, and to the disk spool whenever Kafka is away or slow. While
 * the spool holds records, new ones are appended behind them, and a replay loop drains the
 * spool in order once Kafka acknowledges again. Nothing is dropped here except by the spool's
 * own bound, which counts what it drops.
 */
export class Publisher {
  private replaying = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** The last send or replay failed: Kafka is away, so replays wait retryMs between tries. */
  private failing = false;
  published = 0;
  spooled = 0;

  constructor(private readonly producer: BatchingProducer, private readonly spool: DiskSpool, private readonly log: Logger, private readonly o: PublisherOptions) {
    if (!spool.empty) this.scheduleReplay(0);
  }

  publish(records: SpoolRecord[]): void {
    if (records.length === 0) return;
    if (!this.spool.empty || this.replaying || this.producer.buffered + records.length > this.o.maxInMemory) {
      // Kafka away: replay after the retry pause. Kafka behind (the in-memory bound passed): replay
      // now; its sends queue behind the backlog, and a pause would only stop publishing meanwhile.
      this.toSpool(records, this.failing ? this.o.retryMs : 0);
      this.released(records);
      return;
    }
    for (const [topic, list] of groupByTopic(records)) {
      this.producer.send(topic, list).then(
        () => {
          this.published += list.length;
          this.failing = false;
          this.released(list);
        },
        (err: unknown) => {
          this.log.warn({ err: errorMessage(err), records: list.length }, 'Kafka did not acknowledge; spooling to disk');
          this.failing = true;
          this.toSpool(list, this.o.retryMs);
          this.released(list);
        },
      );
    }
  }

  private released(records: SpoolRecord[]): void {
    if (this.o.release) this.o.release(records.map((r) => r.value));
  }

  /** Records waiting in memory or on disk. */
  get backlog(): number {
    return this.producer.buffered + this.spool.records;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.producer.flush().catch(() => undefined);
  }

  private toSpool(records: SpoolRecord[], replayDelay: number): void {
    this.spool.append(records);
    this.spooled += records.length;
    this.scheduleReplay(replayDelay);
  }

  private scheduleReplay(delay: number): void {
    if (this.replaying || this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.replay();
    }, delay);
  }

  private async replay(): Promise<void> {
    this.replaying = true;
    try {
      while (!this.stopped && !this.spool.empty) {
        const batch = this.spool.peek(this.o.replayBatch);
        await Promise.all([...groupByTopic(batch.records)].map(([topic, list]) => this.producer.send(topic, list)));
        batch.commit();
        this.published += batch.records.length;
        this.failing = false;
      }
      if (!this.stopped) this.log.info('spool drained; publishing directly again');
    } catch (err) {
      this.log.warn({ err: errorMessage(err), spooled: this.spool.records }, `Kafka still away; retrying the spool in ${this.o.retryMs} ms`);
      this.replaying = false;
      this.failing = true;
      this.scheduleReplay(this.o.retryMs);
      return;
    }
    this.replaying = false;
  }
}
