/**
 * The agent's Kafka side alone (the local stack running): Events decoded from real loader frames
 * are written to the agent's KafkaSink as fast as it acknowledges them, one key (one host: every
 * event in one partition, as on a node without containers). Prints published events/s and the
 * CPU seconds per 1,000 events, for several producer batch sizes, interleaved and repeated.
 * Run: sudo npx tsx bench/agent-kafka-sink.ts [events per run=100000] [batch sizes=1000,2000,5000] [repeats=2]
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, provisionTopics } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { createRegistry, type Event } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { KafkaSink } from '../services/agent/src/adapters/kafka-sink.js';
import { FrameHandler } from '../services/agent/src/handler.js';
import { FrameReader } from '../services/agent/src/frame-reader.js';
import { AgentCounters } from '../services/agent/src/stats.js';
import type { LoaderControl } from '../services/agent/src/loader-control.js';
import { fmt, machine } from './stats.js';

const N = Number(process.argv[2] ?? 100_000);
const SIZES = (process.argv[3] ?? '1000,2000,5000').split(',').map(Number);
const REPEATS = Number(process.argv[4] ?? 2);
const FRAMES = process.env.FRAMES;
if (!FRAMES) throw new Error('FRAMES=<file of loader frames> (bench/agent-pipeline.ts describes how to capture one)');

const events: Event[] = [];
const handler = new FrameHandler(
  { node: 'bench-node', id: (mono, tid, t) => `e-${mono}-${tid}-${t}`, cgroup: () => ({ path: '/system.slice/bench.service', containerId: null }) },
  0n, new AgentCounters(), { ready: () => undefined, reply: () => undefined } as unknown as LoaderControl, (ev) => events.push(ev), silentLogger(),
);
new FrameReader().push(readFileSync(FRAMES), (f) => handler.onFrame(Buffer.from(f)));

const cfg = stackConfig();
const log = silentLogger();
const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-agent', logger: log });

async function run(maxBatchMessages: number): Promise<{ rate: number; cpuMsPer1k: number }> {
  const prefix = uniquePrefix('bench-sink');
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['eventsRaw'] });
  await admin.disconnect();
  const sink = await KafkaSink.open({
    kafka, registry: createRegistry(cfg.TRACEHOUND_REGISTRY_URL), registryUrl: cfg.TRACEHOUND_REGISTRY_URL, topicPrefix: prefix,
    dataDir: mkdtempSync(join(tmpdir(), 'th-bench-sink-')), spoolMaxBytes: 256 << 20, log, producer: { maxBatchMessages },
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Feed in slices, as loader reads arrive, keeping within the in-memory bound (no spooling).
  let i = 0;
  while (i < N) {
    const st = sink.status() as { backlog: number };
    if (st.backlog > 40_000) {
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    for (const end = Math.min(N, i + 500); i < end; i++) sink.write(events[i % events.length]!);
    await new Promise((r) => setImmediate(r));
  }
  while ((sink.status() as { published: number }).published < N) await new Promise((r) => setTimeout(r, 5));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await sink.close();
  return { rate: N / secs, cpuMsPer1k: ((cpu.user + cpu.system) / 1000 / N) * 1000 };
}

console.log(`agent Kafka sink — ${fmt(N)} events per run (${fmt(events.length)} distinct from real frames), one partition key — ${machine()}`);
const results = new Map<number, Array<{ rate: number; cpuMsPer1k: number }>>();
for (let r = 0; r < REPEATS; r++) {
  for (const size of SIZES) {
    const res = await run(size);
    results.set(size, [...(results.get(size) ?? []), res]);
    process.stderr.write(`batch ${size}: ${fmt(res.rate)} ev/s, ${fmt(res.cpuMsPer1k, 1)} CPU ms per 1k\n`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('\n| producer batch (messages) | published events/s (median) | CPU ms per 1,000 events (median) | runs |');
console.log('| ---: | ---: | ---: | ---: |');
for (const [size, rs] of results) console.log(`| ${fmt(size)} | ${fmt(median(rs.map((x) => x.rate)))} | ${fmt(median(rs.map((x) => x.cpuMsPer1k)), 1)} | ${rs.length} |`);
