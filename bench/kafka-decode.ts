/**
 * Consuming, the client's share: fetched record batches decoded into messages (kafkajs's fetch
 * decoder and its Batch, which drops records before the fetched offset), with kafkajs as installed
 * (patched, patches/) against kafkajs as published (a copy of the installed package with the patch
 * taken back out), in the same process, rounds interleaved. Batches of 2,000 records of 600-800
 * bytes, uncompressed (decompression is the same native call either way). Prints ns per record,
 * median (p10-p90) of the rounds.
 * Run: npx tsx bench/kafka-decode.ts [batches=20] [rounds=15]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, machine, percentile } from './stats.js';

const BATCHES = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 15);
const PER_BATCH = 2_000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const installed = dirname(require.resolve('kafkajs/package.json'));

const patch = readdirSync(join(ROOT, 'patches')).find((f) => f.startsWith('kafkajs+'));
const copy = mkdtempSync(join(tmpdir(), 'th-bench-kafkajs-'));
cpSync(installed, join(copy, 'node_modules', 'kafkajs'), { recursive: true });
if (patch) execFileSync('patch', ['-R', '-p1', '-s', '-d', copy], { input: readFileSync(join(ROOT, 'patches', patch)) });

interface Client { decodeMessages(d: object): Promise<Array<{ offset: string }>>; Decoder: new (b: Buffer) => object; Batch: new (topic: string, fetched: string, p: object) => { messages: Array<{ offset: string; value: Buffer }> } }
const load = (dir: string): Client => ({
  decodeMessages: require(join(dir, 'src/protocol/requests/fetch/v4/decodeMessages')),
  Decoder: require(join(dir, 'src/protocol/decoder')),
  Batch: require(join(dir, 'src/consumer/batch')),
});
const clients: Array<[string, Client]> = [['published', load(join(copy, 'node_modules', 'kafkajs'))], ['patched (installed)', load(installed)]];

// The fetched partition's message set, as the broker sends it: record batches one after another.
const { RecordBatch } = require(join(installed, 'src/protocol/recordBatch/v0')) as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
const Record = require(join(installed, 'src/protocol/recordBatch/record/v0')) as (r: object) => object;
const Long = require(join(installed, 'src/utils/long')) as { fromNumber(n: number): object };
const firstOffset = 48_123_456;
const batches: Buffer[] = [];
for (let b = 0; b < BATCHES; b++) {
  const records = Array.from({ length: PER_BATCH }, (_, i) => Record({ offsetDelta: i, timestampDelta: i >> 2, key: `node-1/${'c'.repeat(12)}${i % 40}`, value: Buffer.alloc(600 + ((i * 37) % 200), i & 0xff), headers: {} }));
  batches.push((await RecordBatch({ firstOffset: Long.fromNumber(firstOffset + b * PER_BATCH), firstTimestamp: 1_764_000_000_000 + b * 1000, maxTimestamp: 1_764_000_000_999 + b * 1000, lastOffsetDelta: PER_BATCH - 1, records })).buffer);
}
const messageSet = Buffer.concat(batches);
const sized = Buffer.alloc(4 + messageSet.length);
sized.writeInt32BE(messageSet.length, 0);
messageSet.copy(sized, 4);
const N = BATCHES * PER_BATCH;

const nsPerRecord = new Map<string, number[]>(clients.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, c] of clients) {
    const t0 = process.hrtime.bigint();
    const messages = await c.decodeMessages(new c.Decoder(sized));
    const batch = new c.Batch('t', String(firstOffset + 10), { partition: 0, highWatermark: String(firstOffset + N), messages });
    const ns = Number(process.hrtime.bigint() - t0);
    if (batch.messages.length !== N - 10 || batch.messages[N - 11]!.offset !== String(firstOffset + N - 1)) throw new Error(`${name}: decoded ${batch.messages.length} records`);
    nsPerRecord.get(name)!.push(ns / N);
  }
}
rmSync(copy, { recursive: true, force: true });

console.log(`kafkajs fetch decoding — ${fmt(BATCHES)} batches of ${fmt(PER_BATCH)} records, ${ROUNDS} rounds — ${machine()}`);
console.log('| kafkajs | ns per record, median (p10-p90) |');
console.log('| --- | ---: |');
const median = (v: number[]) => percentile([...v].sort((a, b) => a - b), 50);
for (const [name] of clients) {
  const v = [...nsPerRecord.get(name)!].sort((a, b) => a - b);
  console.log(`| ${name} | ${fmt(median(v))} (${fmt(percentile(v, 10))}-${fmt(percentile(v, 90))}) |`);
}
console.log(`patched vs published: ${(median(nsPerRecord.get('published')!) / median(nsPerRecord.get('patched (installed)')!)).toFixed(2)}x faster`);
