import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, isTracehoundError } from '@tracehound/errors';
import type { BatchContext, ConsumedRecord } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { backoffDelay } from '@tracehound/retry';
import type { SinkStore } from './adapters/store.js';
import { clickhouseUp, insertFailures, insertSeconds, rowsRejected, rowsSkipped, rowsStored } from './metrics.js';
import type { SinkTable } from './tables.js';

export interface WriterOptions {
  store: SinkStore;
  /** Full topic name → what to do with its records. */
  tables: Map<string, SinkTable>;
  /** Rows per insert at most. */
  batchRows: number;
  logger: Logger;
  /** Backoff while ClickHouse is unavailable. */
  retry?: { initialDelayMs: number; maxDelayMs: number };
}

interface Pending {
  record: ConsumedRecord<unknown>;
  /** What the store inserts: the record itself (Native, read through SinkTable.nativeColumns) or a row object. */
  row: unknown;
}

/**
 * Stores one Kafka batch (one topic-partition, in offset order) and resolves only when every
 * record is either in ClickHouse or handed to the dead-letter topic:
 *  - records at or below the partition's stored offset are skipped (a re-delivery after a crash);
 *  - each chunk is inserted with the token `<topic>:<partition>:<first>-<last>`, so repeating a
 *    chunk after an unclear failure never stores it twice;
 *  - ClickHouse unavailable: the insert is retried with backoff for as long as it takes, with
 *    heartbeats, so consumption pauses and nothing is committed or lost;
 *  - ClickHouse rejects the data: the chunk is halved until the refused rows are found; those go
 *    to the dead-letter topic with the reason, the rest is stored — in offset order, each dead
 *    letter sent before any later row is stored, so a crash never lets a re-delivery skip one.
 */
export class SinkWriter {
  private readonly storedUpTo = new Map<string, bigint>();
  private up = true;
  lastInsertAt = 0;

  constructor(private readonly o: WriterOptions) {
    clickhouseUp.set(1);
  }

  get clickhouseUp(): boolean {
    return this.up;
  }

  /** After a rebalance another member may have stored more of a partition: forget what we knew. */
  forgetProgress(): void {
    this.storedUpTo.clear();
  }

  async handle(records: ConsumedRecord<unknown>[], ctx: BatchContext): Promise<void> {
    const { topic, partition } = records[0]!;
    const table = this.o.tables.get(topic);
    if (!table) throw new Error(`sink got records of topic ${topic} it has no table for`);
    const key = `${topic}:${partition}`;
    let done = this.storedUpTo.get(key);
    if (done === undefined) {
      done = await this.untilStored(() => this.o.store.storedUpTo(table.spec, topic, partition), ctx, table.spec.name);
      this.storedUpTo.set(key, done);
    }
    const pending: Pending[] = [];
    const native = this.native(table);
    let skipped = 0;
    for (const record of records) {
      if (BigInt(record.offset) <= done) {
        skipped++;
        continue;
      }
      // Native: the encoder reads the columns from the record itself (a value it cannot write fails the chunk as bad data, which isolates it).
      if (native) {
        pending.push({ record, row: record });
        continue;
      }
      try {
        pending.push({ record, row: table.toRow(record.value, { topic, partition, offset: record.offset }) });
      } catch (err) {
        ctx.deadLetter(record, 'TH_ERR_ENCODE', `cannot map to a ${table.spec.name} row: ${errorMessage(err)}`);
        rowsRejected.inc({ table: table.spec.name });
      }
    }
    if (skipped) rowsSkipped.inc({ table: table.spec.name }, skipped);
    for (let i = 0; i < pending.length; i += this.o.batchRows) {
      await this.store(table, pending.slice(i, i + this.o.batchRows), ctx);
    }
    if (pending.length) this.storedUpTo.set(key, BigInt(pending[pending.length - 1]!.record.offset));
  }

  /** Whether this table's rows go as Native: the store takes them and the table says how to read its columns. */
  private native(table: SinkTable): boolean {
    return this.o.store.native && table.nativeColumns !== undefined;
  }

  private async store(table: SinkTable, chunk: Pending[], ctx: BatchContext): Promise<void> {
    // Dead letters of earlier offsets leave before rows of later ones are stored: once stored,
    // a re-delivery skips up to the highest stored offset, dead-lettered records included.
    await ctx.flushDeadLetters();
    const first = chunk[0]!.record;
    const last = chunk[chunk.length - 1]!.record;
    const token = `${first.topic}:${first.partition}:${first.offset}-${last.offset}`;
    try {
      await this.untilStored(async () => {
        const end = insertSeconds.startTimer({ table: table.spec.name });
        await this.o.store.insert(table.spec, chunk.map((p) => p.row), token, this.native(table) ? table.nativeColumns : undefined);
        end();
      }, ctx, table.spec.name);
      rowsStored.inc({ table: table.spec.name }, chunk.length);
      this.lastInsertAt = Date.now();
    } catch (err) {
      if (!isTracehoundError(err, 'TH_ERR_CLICKHOUSE_DATA')) throw err;
      if (chunk.length === 1) {
        this.o.logger.warn({ topic: first.topic, partition: first.partition, offset: first.offset, err: errorMessage(err) }, 'ClickHouse refused a row; dead-lettered');
        ctx.deadLetter(first, err.code, errorMessage(err));
        rowsRejected.inc({ table: table.spec.name });
        return;
      }
      const mid = Math.ceil(chunk.length / 2);
      await this.store(table, chunk.slice(0, mid), ctx);
      await this.store(table, chunk.slice(mid), ctx);
    }
  }

  /** Runs `op` until it succeeds or fails for a reason other than ClickHouse being unavailable. */
  private async untilStored<T>(op: () => Promise<T>, ctx: BatchContext, table: string): Promise<T> {
    const r = this.o.retry ?? { initialDelayMs: 200, maxDelayMs: 5_000 };
    for (let attempt = 1; ; attempt++) {
      try {
        const v = await op();
        if (!this.up) this.o.logger.info({ table }, 'ClickHouse is back; storing again');
        this.up = true;
        clickhouseUp.set(1);
        return v;
      } catch (err) {
        const retriable = !isTracehoundError(err, 'TH_ERR_CLICKHOUSE_DATA') && !(isTracehoundError(err) && !err.retriable);
        insertFailures.inc({ table, retriable: String(retriable) });
        if (!retriable || !ctx.isRunning()) throw err;
        const delay = backoffDelay(attempt, { ...r, factor: 2, jitter: 0.3 });
        if (this.up) this.o.logger.warn({ table, err: errorMessage(err) }, `ClickHouse unavailable; consumption paused, retrying every ≤${r.maxDelayMs} ms`);
        this.up = false;
        clickhouseUp.set(0);
        await sleep(delay);
        await ctx.heartbeat();
      }
    }
  }
}
