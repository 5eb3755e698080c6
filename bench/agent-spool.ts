/**
 * The agent's disk spool, which takes every event while Kafka is away or behind: append and
 * replay (peek + commit) rates for event-sized records, in the chunks the agent appends them.
 * Run: npx tsx bench/agent-spool.ts [records=100000] [chunk=500] [value bytes=1200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskSpool, type SpoolRecord } from '../services/agent/src/spool.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const CHUNK = Number(process.argv[3] ?? 500);
const SIZE = Number(process.argv[4] ?? 1_200);
const records: SpoolRecord[] = Array.from({ length: CHUNK }, (_, i) => ({ topic: 'tracehound.events.raw', key: Buffer.from('node-1/host'), value: Buffer.alloc(SIZE, i % 256) }));

console.log(`agent spool — ${fmt(N)} records of ${fmt(SIZE)} bytes, appended ${fmt(CHUNK)} at a time, replayed 2,000 at a time — ${machine()}`);
console.log('| run | append records/s | replay records/s |');
console.log('| ---: | ---: | ---: |');
for (let run = 1; run <= 3; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'th-spool-bench-'));
  // The agent's settings for the default 1 GiB bound: 8 MiB segments.
  const spool = new DiskSpool({ dir, maxBytes: 1024 << 20, segmentBytes: 8 << 20 });
  let t0 = performance.now();
  for (let i = 0; i < N; i += CHUNK) spool.append(records);
  const append = N / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  let got = 0;
  while (!spool.empty) {
    const b = spool.peek(2_000);
    got += b.records.length;
    b.commit();
  }
  const replay = got / ((performance.now() - t0) / 1000);
  spool.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`| ${run} | ${fmt(append)} | ${fmt(replay)} |`);
}
