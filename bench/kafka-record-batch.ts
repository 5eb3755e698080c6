/**
 * Building a produce request's record batch from 2,000 enriched events (Avro values as the
 * enricher sends them), in one process, interleaved: the way before (a Record encoder and
 * buffer per message, then copied together) against the patched request's (every record written
 * into one buffer, `Record.encodeMessages`), each with LZ4 and without compression. CPU per record
 * and per batch (p50/p99). No broker needed.
 * Run: npx tsx bench/kafka-record-batch.ts [rounds]
 */
import { createRequire } from 'node:module';
import { COMPRESSION, registerCompression } from '@tracehound/kafka';
import { avroType, sampleEnrichedEvent } from '@tracehound/schemas';
import { fmt, machine, percentile } from './stats.js';

type Message = { key: string; value: Buffer };
const require = createRequire(import.meta.url);
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as ((r: { offsetDelta: number; timestampDelta: number; key: string; value: Buffer }) => object) & {
  encodeMessages(messages: Message[], firstTimestamp: number, dateNow: number): object;
};
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };

const ROUNDS = Number(process.argv[2] ?? 5);
const BATCH = 2_000;
const BATCHES = 100;
registerCompression();
// Confluent wire format (magic byte, 4-byte schema id) around the Avro body, as the codec writes it.
const type = avroType('tracehound.Event');
const header = Buffer.from([0, 0, 0, 0, 1]);
const messages: Message[] = Array.from({ length: BATCH }, (_, i) => {
  const e = sampleEnrichedEvent(i % 2 ? 'process_exec' : 'file_open', { id: `bench-${i}`, ts: BigInt(Date.now()) * 1_000_000n + BigInt(i) });
  return { key: `${e.node}/${e.process?.container_id ?? ''}`, value: Buffer.concat([header, type.toBuffer(e)]) };
});
const first = Date.now();

const ways = {
  'a record buffer per message (before)': (compression: number) =>
    RecordBatch({ compression, records: messages.map((m, i) => Record({ key: m.key, value: m.value, offsetDelta: i, timestampDelta: 0 })), firstTimestamp: first, maxTimestamp: first, lastOffsetDelta: BATCH - 1 }),
  'one buffer for every record (now)': (compression: number) =>
    RecordBatch({ compression, encodedRecords: Record.encodeMessages(messages, first, first), recordCount: BATCH, firstTimestamp: first, maxTimestamp: first, lastOffsetDelta: BATCH - 1 }),
};

const bytes = messages.reduce((a, m) => a + m.value.length, 0) / BATCH;
console.log(`# bench/kafka-record-batch.ts — ${machine()}; ${BATCH} enriched events per batch (${fmt(bytes)} bytes each), ${BATCHES} batches per way and round, ${ROUNDS} rounds`);
const results = new Map<string, number[][]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [codecName, compression] of [['lz4', COMPRESSION.lz4], ['none', COMPRESSION.none]] as const) {
    for (const [name, build] of Object.entries(ways)) {
      for (let i = 0; i < 10; i++) await build(compression); // warm
      const perBatch: number[] = [];
      const c0 = process.cpuUsage();
      for (let i = 0; i < BATCHES; i++) {
        const t = process.hrtime.bigint();
        await build(compression);
        perBatch.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const c = process.cpuUsage(c0);
      const key = `${codecName}: ${name}`;
      results.set(key, [...(results.get(key) ?? []), [((c.user + c.system) * 1000) / (BATCHES * BATCH), ...perBatch]]);
    }
  }
}
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const cpu = new Map<string, number>();
for (const [key, rounds] of results) {
  const ns = median(rounds.map((r) => r[0]!));
  cpu.set(key, ns);
  const batches = rounds.flatMap((r) => r.slice(1)).sort((a, b) => a - b);
  console.log(`${key.padEnd(48)} ${fmt(ns)} ns of CPU per record (median of rounds); per batch p50 ${fmt(percentile(batches, 50), 2)} ms, p99 ${fmt(percentile(batches, 99), 2)} ms`);
}
for (const c of ['lz4', 'none']) {
  const [before, now] = Object.keys(ways).map((w) => cpu.get(`${c}: ${w}`)!);
  console.log(`${c}: now ${fmt(now! / before!, 2)}× the way before's CPU per record`);
}
