import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, isTracehoundError } from '@tracehound/errors';
import type { BatchContext, ConsumedRecord } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { backoffDelay } from '@tracehound/retry';
import type { DdlContext } from '@tracehound/clickhouse';
import { undecodableRecord } from './adapters/deferred-event.js';
import type { SinkStore } from './adapters/store.js';
import { clickhouseUp, insertBatches, insertFailures, insertRows, insertSeconds, rowsPastRetention, rowsRejected, rowsSkipped, rowsStored } from './metrics.js';
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
  /**
   * How long a table's first batch waits for the other partitions' batches of the same fetch
   * before their rows are inserted together (default GATHER_MS).
   */
  gatherMs?: number;
  /**
   * Retention of the tables (their TTLs): a record older than its table's retention would be
   * dropped by the TTL once stored, so it is dead-lettered instead (TH_ERR_PAST_RETENTION), counted.
   */
  retention?: DdlContext['retention'];
}

/**
 * Milliseconds a batch waits for the rest of its fetch. kafkajs hands every batch of a fetch to
 * the handlers at once, and they reach the writer within the same few event-loop turns; an
 * insert costs the engine ~25-30 ms of CPU whatever its size (bench/sink-insert.ts table 5), so
 * one insert per table and fetch instead of one per partition is what keeps it cheap per row.
 */
export const GATHER_MS = 5;

const DAY_MS = 86_400_000;

/** A record's time, ns since the epoch (every sink table's record has `ts`); one without counts as current. */
function tsOf(value: unknown): bigint {
  const ts = (value as { ts?: unknown } | null)?.ts;
  return typeof ts === 'bigint' ? ts : typeof ts === 'number' ? BigInt(Math.trunc(ts)) : BigInt(Date.now()) * 1_000_000n;
}

/**
 * The batches of one table gathered for the same inserts, and the outcome every one of them
 * awaits. Records are kept as they came, without an object of their own each: a round holds
 * tens of thousands for as long as its inserts take, and each object is one more for the
 * collector to copy and mark.
 */
interface Round {
  /** The batches' records one batch after another, each in offset order. */
  records: ConsumedRecord<unknown>[];
  /** What the store inserts for each record: row objects, or (Native) undefined: the records themselves. */
  rows: unknown[] | undefined;
  /** Each batch's context (where its dead letters go) and the end of its records in `records`. */
  batches: Array<{ ctx: BatchContext; end: number }>;
  stored: Promise<void>;
}

/**
 * Stores Kafka batches (each one topic-partition, in offset order) and resolves each only when
 * every record is either in ClickHouse or handed to the dead-letter topic:
 *  - records at or below the partition's stored offset are skipped (a re-delivery after a crash);
 *  - records older than their table's retention go to the dead-letter topic (the TTL would drop them);
 *  - the batches of one table that arrive together (one fetch, every partition) are inserted
 *    together, in equal chunks of at most batchRows rows, each partition's rows contiguous and in
 *    offset order, so a stored chunk always ends a partition's stored prefix;
 *  - each chunk is inserted with the token `<topic>:<partition>:<first>-<last>` of each of its
 *    partitions, so repeating a chunk after an unclear failure never stores it twice;
 *  - ClickHouse unavailable: the insert is retried with backoff for as long as it takes, with
 *    heartbeats, so consumption pauses and nothing is committed or lost;
 *  - ClickHouse rejects the data: the chunk is halved until the refused rows are found; those go
 *    to the dead-letter topic with the reason, the rest is stored — in offset order, each dead
 *    letter sent before any later row is stored, so a crash never lets a re-delivery skip one.
 */
export class SinkWriter {
  private readonly storedUpTo = new Map<string, bigint>();
  /** Each table's round still gathering batches. */
  private readonly rounds = new Map<SinkTable, Round>();
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
      done = await this.untilStored(() => this.o.store.storedUpTo(table.spec, topic, partition), [ctx], table.spec.name);
      this.storedUpTo.set(key, done);
    }
    const kept: ConsumedRecord<unknown>[] = [];
    const native = this.native(table);
    const rows: unknown[] | undefined = native ? undefined : [];
    const days = this.o.retention ? table.retentionDays(this.o.retention) : undefined;
    const cutoff = days === undefined ? undefined : BigInt(Date.now() - days * DAY_MS) * 1_000_000n;
    let skipped = 0;
    for (const record of records) {
      if (BigInt(record.offset) <= done) {
        skipped++;
        continue;
      }
      if (cutoff !== undefined && tsOf(record.value) < cutoff) {
        ctx.deadLetter(record, 'TH_ERR_PAST_RETENTION', `older than the ${days}-day retention of ${table.spec.name}: its TTL would drop the row once stored`);
        rowsPastRetention.inc({ table: table.spec.name });
        continue;
      }
      // Native: the encoder reads the columns from the record itself (a value it cannot write fails the chunk as bad data, which isolates it).
      if (!rows) {
        kept.push(record);
        continue;
      }
      try {
        rows.push(table.toRow(record.value, { topic, partition, offset: record.offset }));
        kept.push(record);
      } catch (err) {
        ctx.deadLetter(record, 'TH_ERR_ENCODE', `cannot map to a ${table.spec.name} row: ${errorMessage(err)}`);
        rowsRejected.inc({ table: table.spec.name });
      }
    }
    if (skipped) rowsSkipped.inc({ table: table.spec.name }, skipped);
    if (kept.length) await this.gather(table, kept, rows, ctx);
  }

  /** Joins the table's open round (opening one if none), and resolves when the round is stored. */
  private gather(table: SinkTable, records: ConsumedRecord<unknown>[], rows: unknown[] | undefined, ctx: BatchContext): Promise<void> {
    let round = this.rounds.get(table);
    if (!round) {
      const r: Round = { records: [], rows: rows && [], batches: [], stored: Promise.resolve() };
      r.stored = sleep(this.o.gatherMs ?? GATHER_MS).then(async () => {
        this.rounds.delete(table);
        insertBatches.observe({ table: table.spec.name }, r.batches.length);
        // Chunks of equal size rather than full ones and a small remainder (an insert costs the same whatever its size).
        const n = r.records.length;
        const size = Math.ceil(n / Math.ceil(n / this.o.batchRows));
        for (let i = 0; i < n; i += size) await this.store(table, r, i, Math.min(n, i + size));
      });
      this.rounds.set(table, r);
      round = r;
    }
    for (const record of records) round.records.push(record);
    if (rows && round.rows) for (const row of rows) round.rows.push(row);
    round.batches.push({ ctx, end: round.records.length });
    return round.stored;
  }

  /** Whether this table's rows go as Native: the store takes them and the table says how to read its columns. */
  private native(table: SinkTable): boolean {
    return this.o.store.native && table.nativeColumns !== undefined;
  }

  /** Stores records [from, to) of a round. */
  private async store(table: SinkTable, round: Round, from: number, to: number): Promise<void> {
    const contexts = round.batches.map((b) => b.ctx);
    // Dead letters of earlier offsets leave before rows of later ones are stored: once stored,
    // a re-delivery skips up to the highest stored offset, dead-lettered records included.
    for (const ctx of contexts) await ctx.flushDeadLetters();
    const runs = partitionRuns(round.records, from, to);
    const token = runs.length === 1 ? rangeOf(runs[0]!) : `ranges:${createHash('sha256').update(runs.map(rangeOf).join(',')).digest('hex')}`;
    try {
      await this.untilStored(async () => {
        const end = insertSeconds.startTimer({ table: table.spec.name });
        await this.o.store.insert(table.spec, (round.rows ?? round.records).slice(from, to), token, this.native(table) ? table.nativeColumns : undefined);
        end();
      }, contexts, table.spec.name);
      rowsStored.inc({ table: table.spec.name }, to - from);
      insertRows.observe({ table: table.spec.name }, to - from);
      this.lastInsertAt = Date.now();
      // Each partition's progress as soon as its rows hold: if a later chunk of the round fails,
      // the batches delivered again skip what is already stored.
      for (const { last } of runs) this.storedUpTo.set(`${last.topic}:${last.partition}`, BigInt(last.offset));
    } catch (err) {
      if (!isTracehoundError(err, 'TH_ERR_CLICKHOUSE_DATA')) throw err;
      // A deferred event whose body does not decode names itself: dead-letter it, store the rest.
      const bad = undecodableRecord(err);
      const at = bad ? round.records.indexOf(bad, from) : -1;
      if (at >= 0 && at < to) {
        const record = round.records[at]!;
        const cause = err.cause;
        this.o.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: errorMessage(cause) }, 'undecodable record; dead-lettered');
        contextOf(round, at).deadLetter(record, 'TH_ERR_DECODE', errorMessage(cause));
        rowsRejected.inc({ table: table.spec.name });
        if (at > from) await this.store(table, round, from, at);
        if (at + 1 < to) await this.store(table, round, at + 1, to);
        return;
      }
      if (to - from === 1) {
        const record = round.records[from]!;
        this.o.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: errorMessage(err) }, 'ClickHouse refused a row; dead-lettered');
        contextOf(round, from).deadLetter(record, err.code, errorMessage(err));
        rowsRejected.inc({ table: table.spec.name });
        return;
      }
      const mid = from + Math.ceil((to - from) / 2);
      await this.store(table, round, from, mid);
      await this.store(table, round, mid, to);
    }
  }

  /** Runs `op` until it succeeds or fails for a reason other than ClickHouse being unavailable. */
  private async untilStored<T>(op: () => Promise<T>, contexts: readonly BatchContext[], table: string): Promise<T> {
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
        if (!retriable || !contexts.every((c) => c.isRunning())) throw err;
        const delay = backoffDelay(attempt, { ...r, factor: 2, jitter: 0.3 });
        if (this.up) this.o.logger.warn({ table, err: errorMessage(err) }, `ClickHouse unavailable; consumption paused, retrying every ≤${r.maxDelayMs} ms`);
        this.up = false;
        clickhouseUp.set(0);
        await sleep(delay);
        for (const c of contexts) await c.heartbeat();
      }
    }
  }
}

/** One partition's rows in a chunk: its first and last record. */
interface PartitionRun {
  first: ConsumedRecord<unknown>;
  last: ConsumedRecord<unknown>;
}

/** The partitions of records [from, to) in order (a chunk holds each partition's rows contiguously, in offset order). */
function partitionRuns(records: readonly ConsumedRecord<unknown>[], from: number, to: number): PartitionRun[] {
  const runs: PartitionRun[] = [];
  for (let i = from; i < to; i++) {
    const record = records[i]!;
    const run = runs[runs.length - 1];
    if (run && run.last.partition === record.partition && run.last.topic === record.topic) run.last = record;
    else runs.push({ first: record, last: record });
  }
  return runs;
}

/** The context of the batch record `i` of a round came in. */
function contextOf(round: Round, i: number): BatchContext {
  const { batches } = round;
  let lo = 0;
  let hi = batches.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (batches[mid]!.end > i) hi = mid;
    else lo = mid + 1;
  }
  return batches[lo]!.ctx;
}

/**
 * `<topic>:<partition>:<first>-<last>`: with one partition in a chunk, its deduplication token;
 * with several, the chunk's token is the SHA-256 of these ranges joined by `,` (a token is at
 * most 256 characters).
 */
const rangeOf = (r: PartitionRun) => `${r.first.topic}:${r.first.partition}:${r.first.offset}-${r.last.offset}`;
