/**
 * The whole pipeline in the all-in-one process (services/platform: enricher, detector, sink and
 * API hosted together, embedded chDB), fed by a SYNTHETIC producer (a child process writing
 * Avro events to events.raw at a fixed rate, each a template's encoding with its own id and ts;
 * it stands in for the agents of other nodes) on the local stack's Kafka. The enricher knows
 * 5,000 pods (an in-memory Kubernetes API; the API is not on the event path). One event in 1,000
 * is a crypto-miner exec that the default rules alert on: those markers give event→alert (read
 * from the alerts topic; of it, event→raised by the detector, from the alert's own time) and
 * event→queryable (first seen by a query of the events table every 250 ms) latencies. At the end
 * every produced event must be in ClickHouse exactly once. CPU: per thread of the platform process (the main
 * JS thread split by module with the V8 sampling profiler; the JS thread of each worker), the
 * producer, and the Kafka and registry JVMs; RSS per process. TRACEHOUND_UP_THREADS=one in the
 * environment measures everything on one thread; TRACEHOUND_UP_WORKER_YOUNG_MB sizes the workers'
 * young generation; TRACEHOUND_UP_ENGINE_NICE=0 leaves chDB's threads at the process's priority,
 * TRACEHOUND_UP_STORAGE_NICE=0 the main thread (sink, API, and this harness) at the workers';
 * TH_BENCH_PROFILE_DIR=<dir> profiles the enricher's and detector's threads too and prints their
 * and the main thread's busy samples by module and hottest functions (the main thread's profile
 * is also written to <dir>/main.cpuprofile); TH_BENCH_ALLOCATIONS=1 as well samples every
 * profiled thread's allocations (main thread included) and lists the sites allocating most bytes;
 * TH_BENCH_ALLOCATIONS=live lists what the sampled objects still alive at the end were allocated by;
 * TH_BENCH_PRODUCER_NODE_ARGS="<flags>" passes Node flags to the producer (e.g. --cpu-prof).
 *
 * Run: npx tsx bench/pipeline.ts [rates, e.g. 5000,20000] [seconds]
 * The baseline is the producer alone at full speed to a topic nobody reads.
 */
import { fork } from 'node:child_process';
import type avro from 'avsc';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tracehound/config';
import { BatchingProducer, createKafka, projectType, provisionTopics, topicName, valueSubject } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { registry } from '@tracehound/metrics';
import { AVRO_OPTIONS, RecordCodec, createRegistry, sampleEvent, sampleProcess, type Event } from '@tracehound/schemas';
import { AlertWatcher } from '@tracehound/simulate';
import { readPid } from '@tracehound/stack';
import { deletePrefixTopics, stackConfig, uniquePrefix } from '@tracehound/testkit';
import { PlatformProcessConfig, startPlatform } from '../services/platform/src/index.js';
import { api } from '../services/platform/src/hosted/api.js';
import { sink } from '../services/platform/src/hosted/sink.js';
import { makePods, type BenchPod } from './enricher-fixtures.js';
import { PODS_FILE_VAR, benchEnricher } from './pipeline-enricher.js';
import { PROFILE_DIR_VAR, allocationLines, byModule, profiledDetector, startAllocationSampling, topFunctions } from './pipeline-profile.js';
import { fmt, machine, percentile } from './stats.js';

const SELF = fileURLToPath(import.meta.url);
const MARKER_EVERY = 1_000;
const PODS = 5_000;

// ---------------------------------------------------------------- the producer (child process)

/** A benign mix as the agent sends it: 50 % file opens, 25 % execs, 25 % connects; 1 in 10 from host processes. */
function template(pods: BenchPod[], i: number): Event {
  const pod = pods[i % pods.length]!;
  const cid = pod.containerIds[i % 2]!;
  const host = i % 10 === 9;
  const process = sampleProcess({
    comm: 'nginx', exe: '/usr/sbin/nginx', args: ['nginx', '-g', 'daemon off;'], tty: null, uid: 101, euid: 101,
    container_id: host ? null : cid,
    cgroup_path: host ? '/system.slice/nginx.service' : `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod.uid.replace(/-/g, '_')}.slice/cri-containerd-${cid}.scope`,
  });
  const kind = (['file_open', 'process_exec', 'file_open', 'net_connect'] as const)[i % 4]!;
  const e = sampleEvent(kind, { node: `node-${i % 100}`, process });
  if (e.file) e.file = { ...e.file, path: `/srv/www/static/page-${i % 500}.html` };
  if (e.net) e.net = { ...e.net, dst_addr: '10.0.12.7', dst_port: 5432 };
  if (e.exec) e.exec = { ...e.exec, filename: '/usr/sbin/nginx' };
  return e;
}

function marker(base: Event): Event {
  return {
    ...base, kind: 'process_exec', file: null, net: null,
    exec: { filename: '/tmp/xmrig', exe_memfd: false, exe_deleted: false, exe_upper_layer: null, interpreter: null },
    process: { ...base.process!, comm: 'xmrig', exe: '/tmp/xmrig', args: ['xmrig', '--url', 'stratum+tcp://10.0.0.1:3333'] },
  };
}

/**
 * Encodes events that differ from a template only in `id` and `ts`, the first two fields of
 * Event: the Avro body is those two fields followed by the template's encoding of every other
 * field, so the rest is copied instead of encoded again. The producer stands in for agents on
 * other nodes; this keeps its share of the two cores small. Checked against the codec at start.
 */
class TemplateEncoder {
  private readonly head: avro.Type;

  constructor(private readonly codec: RecordCodec<'tracehound.Event'>) {
    const fields = (codec.type as unknown as { fields: Array<{ name: string }> }).fields;
    if (fields[0]?.name !== 'id' || fields[1]?.name !== 'ts') throw new Error('Event no longer starts with id and ts: the template encoder needs them first');
    this.head = projectType(codec.type, [['id'], ['ts']], { ...AVRO_OPTIONS });
  }

  /** The wire header and the encoding of every field after `ts`. */
  template(e: Event): { header: Buffer; rest: Buffer } {
    const whole = this.codec.encode(e);
    return { header: whole.subarray(0, 5), rest: whole.subarray(5 + this.head.toBuffer(e).length) };
  }

  encode(t: { header: Buffer; rest: Buffer }, id: string, ts: bigint): Buffer {
    const buf = Buffer.allocUnsafe(5 + 15 + Buffer.byteLength(id) + t.rest.length);
    t.header.copy(buf, 0);
    const pos = this.head.encode({ id, ts }, buf, 5);
    return buf.subarray(0, pos + t.rest.copy(buf, pos));
  }
}

/** Sends `rate` events/s for `seconds` (or as fast as it can when rate is 0); ids are `<run>-<i>`, markers `<run>-m-<i>`. */
async function produce(prefix: string, run: string, rate: number, seconds: number, topicId: 'eventsRaw' | 'deadLetter', podsFile: string): Promise<void> {
  const cfg = stackConfig();
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-pipeline-producer', logger: silentLogger() });
  const codec = new RecordCodec(createRegistry(cfg.TRACEHOUND_REGISTRY_URL), 'tracehound.Event');
  const topic = topicName(prefix, topicId);
  await codec.register(valueSubject(topicName(prefix, 'eventsRaw')));
  const producer = new BatchingProducer(kafka);
  await producer.connect();
  // The pods the platform's enricher knows, so container events resolve as in a real cluster.
  const pods = JSON.parse(readFileSync(podsFile, 'utf8')) as BenchPod[];
  const templates = Array.from({ length: 10_000 }, (_, i) => template(pods, i));
  const encoder = new TemplateEncoder(codec);
  const encoded = templates.map((e) => ({ key: `${e.node}/${e.process?.container_id ?? ''}`, ...encoder.template(e) }));
  for (let i = 0; i < 100; i++) {
    const [id, ts] = [`${run}-check-${i}`, BigInt(Date.now()) * 1_000_000n + BigInt(i)];
    if (!encoder.encode(encoded[i]!, id, ts).equals(codec.encode({ ...templates[i]!, id, ts }))) throw new Error(`template encoding of event ${i} differs from the codec's`);
  }
  const total = (rate || 200_000) * seconds;
  const tick = 10;
  const perTick = rate ? Math.max(1, Math.round((rate * tick) / 1000)) : 2_000;
  const start = Date.now();
  const pending: Array<Promise<void>> = [];
  let sent = 0;
  while (sent < total && (rate || Date.now() - start < seconds * 1000)) {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const batch = [];
    for (let j = 0; j < perTick && sent < total; j++, sent++) {
      const t = encoded[sent % templates.length]!;
      if (sent % MARKER_EVERY === 0) {
        const e: Event = { ...marker(templates[sent % templates.length]!), id: `${run}-m-${sent}`, ts: nowNs + BigInt(j) };
        batch.push({ key: t.key, value: codec.encode(e) });
      } else {
        batch.push({ key: t.key, value: encoder.encode(t, `${run}-${sent}`, nowNs + BigInt(j)) });
      }
    }
    pending.push(producer.send(topic, batch));
    if (pending.length > 200) await pending.shift();
    if (rate) {
      const due = start + ((sent / perTick) * tick);
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
  await Promise.all(pending);
  const ms = Date.now() - start;
  await producer.disconnect();
  const cpu = process.cpuUsage();
  process.send!({ sent, ms, cpuMs: (cpu.user + cpu.system) / 1000 });
}

if (process.argv[2] === 'produce') {
  const [, , , prefix, run, rate, seconds, topicId, podsFile] = process.argv;
  await produce(prefix!, run!, Number(rate), Number(seconds), topicId as 'eventsRaw' | 'deadLetter', podsFile!);
  process.exit(0);
}

// ---------------------------------------------------------------- measuring

const TICK_MS = 10; // USER_HZ = 100

function procStat(path: string): { ticks: number; comm: string } | undefined {
  try {
    const s = readFileSync(path, 'utf8');
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), comm };
  } catch {
    return undefined;
  }
}
const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};

/**
 * Threads of this process grouped: the main JS thread, the JS thread of each worker (`workers`:
 * Linux tid → service), V8's helpers, libuv's pool, and the rest (chDB's engine threads).
 */
function threadGroups(workers: Map<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const st = procStat(`/proc/self/task/${tid}/stat`);
    if (!st) continue;
    const worker = workers.get(Number(tid));
    const group = Number(tid) === process.pid ? 'main JS thread' : worker ? `${worker} worker thread` : st.comm.startsWith('V8') || st.comm.startsWith('node') ? 'V8 GC/compiler threads' : st.comm.startsWith('libuv') ? 'libuv pool' : 'chDB engine threads';
    out.set(group, (out.get(group) ?? 0) + st.ticks);
  }
  return out;
}

function sampler(pids: Record<string, number>, workers: Map<number, string>) {
  const first = { threads: threadGroups(workers), procs: Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, procStat(`/proc/${p}/stat`)?.ticks ?? 0])) };
  const rss: Record<string, number> = {};
  const timer = setInterval(() => {
    rss.platform = Math.max(rss.platform ?? 0, rssOf(process.pid));
    for (const [k, p] of Object.entries(pids)) rss[k] = Math.max(rss[k] ?? 0, rssOf(p));
  }, 500);
  const t0 = Date.now();
  return {
    stop(): { cpu: Array<[string, number]>; rss: Record<string, number> } {
      clearInterval(timer);
      const secs = (Date.now() - t0) / 1000;
      const pct = (ticks: number) => (ticks * TICK_MS) / 10 / secs;
      const cpu: Array<[string, number]> = [];
      for (const [g, t] of threadGroups(workers)) cpu.push([`platform: ${g}`, pct(t - (first.threads.get(g) ?? 0))]);
      for (const [k, p] of Object.entries(pids)) cpu.push([k, pct((procStat(`/proc/${p}/stat`)?.ticks ?? 0) - first.procs[k]!)]);
      return { cpu, rss };
    },
  };
}

const PODS_FILE = join(mkdtempSync(join(tmpdir(), 'th-bench-pods-')), 'pods.json');
const pods = makePods(PODS);
writeFileSync(PODS_FILE, JSON.stringify(pods));
process.env[PODS_FILE_VAR] = PODS_FILE;

/** Committed offsets of each stage's group against its input topic's end: where the backlog sits. */
async function stageLag(kafka: ReturnType<typeof createKafka>, prefix: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const end = async (id: 'eventsRaw' | 'eventsEnriched') => (await admin.fetchTopicOffsets(topicName(prefix, id))).reduce((a, p) => a + Number(p.high), 0);
    const done = async (group: string, id: 'eventsRaw' | 'eventsEnriched') =>
      (await admin.fetchOffsets({ groupId: group, topics: [topicName(prefix, id)] }))[0]!.partitions.reduce((a, p) => a + Math.max(0, Number(p.offset)), 0);
    const [raw, enriched] = [await end('eventsRaw'), await end('eventsEnriched')];
    return `raw ${raw}, enricher committed ${await done(`${prefix}.enricher`, 'eventsRaw')}; enriched ${enriched}, detector committed ${await done(`${prefix}.detector`, 'eventsEnriched')}, sink committed ${await done(`${prefix}.sink`, 'eventsEnriched')}`;
  } finally {
    await admin.disconnect();
  }
}

function child(prefix: string, run: string, rate: number, seconds: number, topic: 'eventsRaw' | 'deadLetter') {
  const c = fork(SELF, ['produce', prefix, run, String(rate), String(seconds), topic, PODS_FILE], { execArgv: ['--import', 'tsx', ...(process.env.TH_BENCH_PRODUCER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])] });
  const done = new Promise<{ sent: number; ms: number; cpuMs: number }>((res, rej) => {
    c.once('message', (m) => res(m as { sent: number; ms: number; cpuMs: number }));
    c.once('exit', (code) => code !== 0 && rej(new Error(`producer exited ${code}`)));
  });
  return { pid: c.pid!, done };
}

const stack = stackConfig();
const stackPid = (name: string) => readPid(join(process.cwd(), stack.TRACEHOUND_DATA_DIR, 'run', `${name}.pid`));

/** The sink's inserts into the events table so far in this process, and the rows they stored (its metrics). */
async function sinkInserts(): Promise<{ count: number; rows: number }> {
  const metrics = await registry.getMetricsAsJSON();
  // A histogram's values are its buckets, sum and count, each named (metricName); a counter's are unnamed.
  const value = (name: string, series = name) =>
    metrics.find((m) => m.name === name)?.values.find((v) => v.labels.table === 'events' && ((v as { metricName?: string }).metricName ?? name) === series)?.value ?? 0;
  return { count: value('tracehound_sink_insert_seconds', 'tracehound_sink_insert_seconds_count'), rows: value('tracehound_sink_rows_total') };
}

async function baseline(seconds: number): Promise<number> {
  const prefix = uniquePrefix('bench-pipe-base');
  const kafka = createKafka({ brokers: stack.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-pipeline', logger: silentLogger() });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, { prefix, partitions: 6, replication: 1, ids: ['eventsRaw', 'deadLetter'] });
  await admin.disconnect();
  const { sent, ms } = await child(prefix, 'base', 0, seconds, 'deadLetter').done;
  await deletePrefixTopics(kafka, prefix);
  return (sent / ms) * 1000;
}

async function pipeline(rate: number, seconds: number) {
  const prefix = uniquePrefix('bench-pipe');
  const run = `r${rate}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'th-bench-pipeline-'));
  const cfg = loadConfig(PlatformProcessConfig, {
    ...process.env, TRACEHOUND_DATA_DIR: dataDir, TRACEHOUND_TOPIC_PREFIX: prefix, TRACEHOUND_API_PORT: '0', TRACEHOUND_UP_AGENT: 'off',
    TRACEHOUND_ENRICHER_GROUP: `${prefix}.enricher`, TRACEHOUND_DETECTOR_GROUP_ID: `${prefix}.detector`, TRACEHOUND_SINK_GROUP_ID: `${prefix}.sink`, TRACEHOUND_LOG_LEVEL: 'warn',
  });
  const platform = await startPlatform(cfg, { logger: silentLogger(), services: [api, sink, profiledDetector, benchEnricher] });
  const workers = new Map(platform.services.filter((s) => s.tid).map((s) => [s.tid!, s.name]));
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-pipeline', logger: silentLogger() });
  const alerts = new AlertWatcher(kafka, topicName(prefix, 'alerts'), cfg.TRACEHOUND_REGISTRY_URL);
  await alerts.start();
  const db = cfg.TRACEHOUND_CLICKHOUSE_DATABASE;
  const query = async <T>(sql: string, params: Record<string, unknown>) => (await (await platform.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json()) as T[];

  const seen = new Map<string, number>();
  const pollMs: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const began = performance.now();
      const rows = await query<{ id: string; ms: string }>(`SELECT id, toUnixTimestamp64Milli(ts) AS ms FROM ${db}.events WHERE startsWith(id, {p:String})`, { p: `${run}-m-` });
      pollMs.push(performance.now() - began);
      const now = Date.now();
      for (const r of rows) if (!seen.has(r.id)) seen.set(r.id, now - Number(r.ms));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  const allocations = await startAllocationSampling(session);
  const insertsBefore = await sinkInserts();
  const producer = child(prefix, run, rate, seconds, 'eventsRaw');
  const sample = sampler({ 'Kafka broker (JVM)': stackPid('kafka') ?? 0, 'registry (JVM)': stackPid('registry') ?? 0 }, workers);
  const t0 = Date.now();
  const progress = setInterval(() => void stageLag(kafka, prefix).then((l) => console.error(`  [${Math.round((Date.now() - t0) / 1000)} s] ${l}`), () => undefined), 10_000);
  const { sent, ms, cpuMs } = await producer.done;
  const lagAtEnd = await stageLag(kafka, prefix);
  const { profile } = await session.post('Profiler.stop');
  if (process.env[PROFILE_DIR_VAR]) writeFileSync(join(process.env[PROFILE_DIR_VAR], 'main.cpuprofile'), JSON.stringify(profile));
  const mainAllocations = allocations ? await allocationLines(session, 'main JS thread') : [];
  session.disconnect();

  // Drain: every produced event stored once; given up only when nothing new is stored for a minute.
  let stored = 0;
  let unique = 0;
  let lastProgress = Date.now();
  while (Date.now() - lastProgress < 60_000) {
    const [r] = await query<{ n: string; u: string }>(`SELECT count() AS n, uniqExact(id) AS u FROM ${db}.events WHERE startsWith(id, {p:String})`, { p: `${run}-` });
    if (Number(r!.u) > unique) lastProgress = Date.now();
    stored = Number(r!.n);
    unique = Number(r!.u);
    if (unique >= sent) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const allStoredMs = Date.now() - t0;
  clearInterval(progress);
  // CPU and RSS cover producing and draining: the work of storing every event.
  const usage = sample.stop();
  const insertsAfter = await sinkInserts();
  const inserts = { count: insertsAfter.count - insertsBefore.count, rows: insertsAfter.rows - insertsBefore.rows };
  await new Promise((r) => setTimeout(r, 2_000));
  polling = false;
  await poller;
  const markers = Math.ceil(sent / MARKER_EVERY);
  const markerAlerts = alerts.seen.filter((a) => a.alert.rule.id === 'crypto-miner-stratum-args' && a.alert.event.id.startsWith(`${run}-m-`));
  const alertLat = markerAlerts.map((a) => a.at - Number(a.alert.event.ts / 1_000_000n)).sort((a, b) => a - b);
  // The alert's own time is when the detector raised it: the part of event→alert before the alerts topic.
  const detectLat = markerAlerts.map((a) => Number((a.alert.ts - a.alert.event.ts) / 1_000_000n)).sort((a, b) => a - b);
  const queryLat = [...seen.values()].sort((a, b) => a - b);
  pollMs.sort((a, b) => a - b);
  await alerts.close();
  await platform.close();
  await deletePrefixTopics(kafka, prefix);
  rmSync(dataDir, { recursive: true, force: true });
  const profileDir = process.env[PROFILE_DIR_VAR];
  const workerProfiles = profileDir ? ['enricher', 'detector'].map((n) => { try { return readFileSync(join(profileDir, `${n}.txt`), 'utf8'); } catch { return ''; } }).join('') : '';
  const threads = `${cfg.TRACEHOUND_UP_THREADS === 'one' ? 'everything on the main thread' : `${platform.services.filter((s) => s.threadId).map((s) => s.name).join(', ')} in worker threads`} (TRACEHOUND_UP_THREADS=${cfg.TRACEHOUND_UP_THREADS}, TRACEHOUND_UP_WORKER_YOUNG_MB=${cfg.TRACEHOUND_UP_WORKER_YOUNG_MB}, TRACEHOUND_UP_ENGINE_NICE=${cfg.TRACEHOUND_UP_ENGINE_NICE}, TRACEHOUND_UP_STORAGE_NICE=${cfg.TRACEHOUND_UP_STORAGE_NICE})`;
  return { threads, producerCpu: (100 * cpuMs) / ms, lagAtEnd, rate, sent, produced: (sent / ms) * 1000, storedRate: (unique / allStoredMs) * 1000, drainS: (allStoredMs - ms) / 1000, stored, unique, markers, alertLat, detectLat, queryLat, pollMs, usage, inserts, modules: byModule(profile as never), mainFunctions: process.env[PROFILE_DIR_VAR] ? topFunctions(profile as never, 30) : [], mainAllocations, workerProfiles };
}

const rates = (process.argv[2] ?? '5000,20000').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 30);
console.log(`# bench/pipeline.ts — ${machine()}; ${seconds} s per rate; synthetic producer → events.raw; platform: enricher (${PODS} pods), detector (default rules), sink, API in one process, chDB`);
console.log(`baseline: the producer alone, full speed, to a topic nobody reads: ${fmt(await baseline(10))} events/s`);
for (const rate of rates) {
  const r = await pipeline(rate, seconds);
  console.log(`\n## offered ${fmt(rate)} events/s for ${seconds} s (load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(`platform: ${r.threads}`);
  console.log(`produced ${fmt(r.sent)} events at ${fmt(r.produced)} events/s; all stored after ${fmt(r.drainS, 1)} s more: ${fmt(r.storedRate)} events/s end to end`);
  console.log(`when the producer stopped: ${r.lagAtEnd}`);
  console.log(`stored ${fmt(r.unique)} of ${fmt(r.sent)}${r.unique < r.sent ? ' (the rest still in the pipeline when storage stopped progressing for 60 s)' : ''}; ${fmt(r.stored - r.unique)} stored twice`);
  console.log(`sink: ${fmt(r.inserts.count)} inserts into events, ${fmt(r.inserts.rows / r.inserts.count)} rows per insert on average`);
  console.log(`event→alert   (${r.alertLat.length}/${r.markers} markers): p50 ${fmt(percentile(r.alertLat, 50))} ms, p99 ${fmt(percentile(r.alertLat, 99))} ms`);
  console.log(`  of which event→raised by the detector: p50 ${fmt(percentile(r.detectLat, 50))} ms, p99 ${fmt(percentile(r.detectLat, 99))} ms`);
  console.log(`event→queryable (${r.queryLat.length}/${r.markers}; polled every 250 ms): p50 ${fmt(percentile(r.queryLat, 50))} ms, p99 ${fmt(percentile(r.queryLat, 99))} ms`);
  console.log(`  the polls themselves (wall time): ${fmt(r.pollMs.length)} queries, p50 ${fmt(percentile(r.pollMs, 50), 1)} ms, p99 ${fmt(percentile(r.pollMs, 99), 1)} ms`);
  console.log(`CPU from the first event until all were stored (% of one core; platform CPU per event: ${fmt(r.usage.cpu.filter(([k]) => k.startsWith('platform')).reduce((a, [, v]) => a + v, 0) * 1e4 * (r.drainS + r.sent / r.produced) / r.unique, 0)} µs):`);
  for (const [k, v] of r.usage.cpu) console.log(`  ${k.padEnd(40)} ${fmt(v, 1)} %`);
  const mainUs = (r.usage.cpu.find(([k]) => k === 'platform: main JS thread')![1] * 1e4 * (r.drainS + r.sent / r.produced)) / r.unique;
  console.log(`  ${'producer (while producing)'.padEnd(40)} ${fmt(r.producerCpu, 1)} %`);
  console.log(`main JS thread: ${fmt(mainUs)} µs per event, so at most ${fmt(1e6 / mainUs)} events/s with a whole core to itself`);
  for (const [k, v] of r.usage.cpu.filter(([k]) => k.endsWith('worker thread'))) {
    const us = (v * 1e4 * (r.drainS + r.sent / r.produced)) / r.unique;
    console.log(`${k.replace('platform: ', '')}: ${fmt(us)} µs per event, so at most ${fmt(1e6 / us)} events/s with a whole core to itself`);
  }
  console.log('main JS thread by module (share of its busy samples):');
  for (const [k, v] of r.modules) console.log(`  ${k.padEnd(40)} ${fmt(v, 1)} %`);
  if (r.mainFunctions.length) console.log(['# main JS thread: functions by self time', ...r.mainFunctions.map(([k, v]) => `${v.toFixed(1).padStart(5)} %  ${k}`)].join('\n'));
  if (r.mainAllocations.length) console.log(r.mainAllocations.join('\n'));
  if (r.workerProfiles) console.log(r.workerProfiles.trimEnd());
  console.log('peak RSS:');
  for (const [k, v] of Object.entries(r.usage.rss)) console.log(`  ${k.padEnd(40)} ${fmt(v / 2 ** 20)} MiB`);
}
rmSync(dirname(PODS_FILE), { recursive: true, force: true });
process.exit(0);
