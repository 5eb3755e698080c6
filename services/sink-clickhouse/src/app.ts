import type { Kafka } from 'kafkajs';
import { migrate, type ClickHouseLike, type DdlContext, type InsertFormat, type InsertOptions } from '@tracehound/clickhouse';
import { BatchConsumer, BatchingProducer, avroDecoder, provisionTopics, topicName, type Decoder } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RecordCodec, type RecordName, createRegistry } from '@tracehound/schemas';
import { deferredEvents } from './adapters/deferred-event.js';
import { withFetchBatching } from './adapters/fetch-batching.js';
import { clickhouseStore } from './adapters/store.js';
import { SINK_TABLES, type SinkTable } from './tables.js';
import { SinkWriter } from './writer.js';

/**
 * Batches handled at once: more than the partitions one sink is assigned in practice (the sink's
 * three topics at TRACEHOUND_TOPIC_PARTITIONS each), so a fetch is never split into rounds.
 */
export const SINK_PARTITIONS_AT_ONCE = 64;

/** Rows per insert at most, unless TRACEHOUND_SINK_BATCH_ROWS says otherwise. */
export const SINK_BATCH_ROWS = 20_000;

export interface SinkOptions {
  kafka: Kafka;
  /** Shared with the API in the all-in-one process (chDB: one process per data dir). */
  clickhouse: ClickHouseLike;
  ddl: DdlContext;
  registryUrl: string;
  topicPrefix: string;
  groupId: string;
  logger: Logger;
  batchRows?: number;
  /** Kafka bytes per partition and fetch. */
  batchBytes?: number;
  maxWaitMs?: number;
  /** Kafka bytes of one fetch over all partitions (kafkajs' default 10 MiB when unset). */
  fetchMaxBytes?: number;
  /** Native by default (where the table offers column values, else JSONCompactEachRow). */
  format?: InsertFormat;
  /** Settings of every insert (default SINK_INSERT_SETTINGS; bench/sink-kafka.ts compares). */
  insertSettings?: Record<string, number>;
  /** Embedded chDB: inserts through a payload file (default) or chDB's raw insert (bench/sink-insert.ts compares them). */
  insertVia?: InsertOptions['via'];
  /**
   * Partitions whose batches are handled at once (default SINK_PARTITIONS_AT_ONCE): every batch
   * of a fetch, so that their rows go into one insert per table (SinkWriter gathers them).
   */
  partitionsConcurrently?: number;
  /**
   * Records of a partition's batch decoded and stored at a time (default: batchRows, one insert's
   * worth). A fetch is limited in compressed bytes, and a partition's 16 MiB of well-compressed
   * events can be 70,000 or more, several kilobytes each once decoded: whole batches put a backlog
   * of 300,000 events in the heap at once (1.1 GB live, bench/sink-kafka.ts). Slices of the
   * partitions handled together still share rounds of inserts.
   */
  recordsPerHandle?: number;
  /** Events decoded block by block as they are encoded (default) rather than when consumed (bench/sink-kafka.ts compares). */
  deferEventDecoding?: boolean;
  /** Decompressed batches in reused slabs (packages/kafka decompression-pool.ts; on by default; bench/sink-kafka.ts compares). */
  pooledDecompression?: boolean;
  /** Run the storage migrations at start (idempotent; on by default). */
  migrate?: boolean;
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** How long the group waits for a silent member (a killed sink) before its partitions move. */
  sessionTimeoutMs?: number;
  /** Create missing topics at start (partitions and replication for new ones), as every stage does. */
  provision?: { partitions: number; replication: number };
}

export interface Sink {
  start(): Promise<void>;
  close(): Promise<void>;
  ready(): boolean;
  details(): Record<string, unknown>;
}

/** Wires the ClickHouse sink: events.enriched and alerts → their tables. What main.ts and tests build. */
export function buildSink(o: SinkOptions): Sink {
  const registry = createRegistry(o.registryUrl);
  const tables = new Map<string, SinkTable>(SINK_TABLES.map((t) => [topicName(o.topicPrefix, t.topic), t]));
  const decoders = new Map<string, Decoder<unknown>>();
  const codecs = new Map<RecordName, Decoder<unknown>>();
  const store = clickhouseStore(o.clickhouse, o.ddl.database, o.format, o.insertVia, o.insertSettings);
  for (const [topic, t] of tables) {
    // Events written to Native straight from their Avro bodies (deferred-event.ts) — only where
    // the writer goes Native: the store's format and the table's column readers, as it decides.
    if (store.native && t.nativeColumns && o.deferEventDecoding !== false && t.record === 'tracehound.Event') {
      const deferred = deferredEvents(new RecordCodec(registry, 'tracehound.Event'), registry);
      tables.set(topic, { ...t, nativeColumns: deferred.columns });
      decoders.set(topic, deferred.decode);
      continue;
    }
    if (!codecs.has(t.record)) codecs.set(t.record, avroDecoder(new RecordCodec(registry, t.record)) as Decoder<unknown>);
    decoders.set(topic, codecs.get(t.record)!);
  }
  const batchBytes = o.batchBytes ?? 16 * 1024 * 1024;
  const kafka = withFetchBatching(o.kafka, { minBytes: Math.min(batchBytes, 1024 * 1024), maxWaitMs: o.maxWaitMs ?? 1_000, ...(o.fetchMaxBytes ? { maxBytes: o.fetchMaxBytes } : {}) });
  const producer = new BatchingProducer(o.kafka);
  const batchRows = o.batchRows ?? SINK_BATCH_ROWS;
  const writer = new SinkWriter({
    store,
    tables,
    batchRows,
    retention: o.ddl.retention,
    logger: o.logger,
    ...(o.retry ? { retry: o.retry } : {}),
  });
  const consumer = new BatchConsumer<unknown>(kafka, {
    groupId: o.groupId,
    topics: [...tables.keys()],
    decode: (msg, topic) => decoders.get(topic)!(msg, topic),
    handle: (records, ctx) => writer.handle(records, ctx),
    deadLetter: { producer, topic: topicName(o.topicPrefix, 'deadLetter') },
    logger: o.logger,
    maxBytesPerPartition: batchBytes,
    partitionsConsumedConcurrently: o.partitionsConcurrently ?? SINK_PARTITIONS_AT_ONCE,
    recordsPerHandle: o.recordsPerHandle ?? batchRows,
    // The writer holds records until their rows are stored, and keeps none of their bytes after.
    pooledDecompression: o.pooledDecompression ?? true,
    ...(o.sessionTimeoutMs ? { sessionTimeoutMs: o.sessionTimeoutMs } : {}),
  });
  let running = false;
  return {
    async start() {
      if (o.migrate !== false) await migrate(o.clickhouse, o.ddl, o.logger);
      if (o.provision) await provision(o.kafka, o.topicPrefix, o.provision);
      await producer.connect();
      consumer.raw.on(consumer.raw.events.GROUP_JOIN, () => writer.forgetProgress());
      await consumer.start();
      running = true;
      o.logger.info({ topics: [...tables.keys()], group: o.groupId }, 'sink started');
    },
    async close() {
      running = false;
      await consumer.stop();
      await producer.disconnect();
    },
    ready: () => running && writer.clickhouseUp,
    details: () => ({ clickhouse: writer.clickhouseUp ? 'up' : 'unavailable', lastInsertAt: writer.lastInsertAt ? new Date(writer.lastInsertAt).toISOString() : null }),
  };
}

async function provision(kafka: Kafka, prefix: string, o: { partitions: number; replication: number }): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, { prefix, ...o, ids: [...SINK_TABLES.map((t) => t.topic), 'deadLetter'] });
  } finally {
    await admin.disconnect();
  }
}
