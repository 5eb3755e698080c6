import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { detector } from '../services/platform/src/hosted/detector.js';
import { threadable, type Running, type Skipped, type ServiceContext } from '../services/platform/src/hosted/types.js';

/** The environment variable naming a directory: when set, bench/pipeline.ts's workers write their CPU profile summaries there. */
export const PROFILE_DIR_VAR = 'TH_BENCH_PROFILE_DIR';
/**
 * With PROFILE_DIR_VAR: `1` also samples allocations (V8's sampling heap profiler, collected objects
 * included) and lists the sites allocating most bytes; `live` lists the sampled objects still alive
 * when sampling ends (the main thread: when the producer stops; workers: at close), by the site
 * that allocated them: what each thread's heap holds.
 */
export const ALLOCATIONS_VAR = 'TH_BENCH_ALLOCATIONS';

interface HeapNode {
  callFrame: { url: string; functionName: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** Starts the sampling heap profiler on `session` when ALLOCATIONS_VAR is set (every ~64 KiB allocated, objects later collected by either GC kept). */
export async function startAllocationSampling(session: Session): Promise<boolean> {
  const mode = process.env[ALLOCATIONS_VAR];
  if (mode !== '1' && mode !== 'live') return false;
  const collected = mode === '1';
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 65_536, includeObjectsCollectedByMajorGC: collected, includeObjectsCollectedByMinorGC: collected });
  return true;
}

/** The allocation sites with the most sampled bytes (self, by function and line), in % of all sampled bytes, and the total. */
export async function allocationLines(session: Session, name: string, n = 25): Promise<string[]> {
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
  const bytes = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    if (node.selfSize) {
      const { url, functionName, lineNumber } = node.callFrame;
      const k = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/|work\/main\/)/, '')}:${lineNumber + 1}`;
      bytes.set(k, (bytes.get(k) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  const what = process.env[ALLOCATIONS_VAR] === 'live' ? 'live bytes at the end by allocating site' : 'allocated bytes by site';
  return [`# ${name}: ${what} (sampled, ${(total / 2 ** 20).toFixed(0)} MiB estimated in all)`,
    ...[...bytes].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)];
}

interface Profile {
  nodes: Array<{ callFrame: { url: string; functionName: string; lineNumber: number }; hitCount?: number }>;
}

/** Modules a sample is counted under (first match), by the script URL of its function. */
const MODULES: Array<[RegExp, string]> = [
  [/services\/enricher\//, 'enricher'], [/services\/detector\//, 'detector'], [/services\/sink-clickhouse\//, 'sink'], [/services\/api\//, 'api'],
  [/packages\/kafka\/|node_modules\/kafkajs\/|lz4/, 'Kafka client (kafkajs, LZ4)'], [/schemas\/|avsc/, 'Avro codec'],
  [/packages\/clickhouse\/|@clickhouse|chdb/, 'ClickHouse client'], [/json-rules-engine|re2|picomatch/, 'detector'],
];

/** A thread's busy samples (idle left out) grouped by `keyOf`, in % of them, largest first. */
function busyShares(profile: Profile, keyOf: (frame: Profile['nodes'][number]['callFrame']) => string): Array<[string, number]> {
  const hits = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const h = n.hitCount ?? 0;
    if (!h || n.callFrame.functionName === '(idle)') continue;
    total += h;
    const k = keyOf(n.callFrame);
    hits.set(k, (hits.get(k) ?? 0) + h);
  }
  return [...hits].map(([k, v]) => [k, (100 * v) / total] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/** A thread's busy samples by module, in % (V8 sampling profiler). */
export function byModule(profile: Profile): Array<[string, number]> {
  return busyShares(profile, ({ url, functionName }) =>
    MODULES.find(([re]) => re.test(url))?.[1] ?? (functionName === '(garbage collector)' ? 'GC' : url ? 'other JS (node internals, libraries)' : 'native / program'));
}

/** The functions with the most self time, in % of busy samples. */
export function topFunctions(profile: Profile, n: number): Array<[string, number]> {
  return busyShares(profile, ({ url, functionName, lineNumber }) => `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/|work\/main\/)/, '')}:${lineNumber + 1}`).slice(0, n);
}

/** Starts `start` under the V8 sampling profiler of this thread when PROFILE_DIR_VAR is set; the summary is written at close. */
export async function profiledStart(name: string, ctx: ServiceContext, start: (ctx: ServiceContext) => Promise<Running | Skipped>): Promise<Running | Skipped> {
  const dir = process.env[PROFILE_DIR_VAR];
  if (!dir) return start(ctx);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  const allocations = await startAllocationSampling(session);
  const running = await start(ctx);
  if ('skipped' in running) return running;
  return {
    ...running,
    async close() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      const allocated = allocations ? await allocationLines(session, name) : [];
      session.disconnect();
      const lines = [`# ${name}: busy samples by module`, ...byModule(profile).map(([k, v]) => `${v.toFixed(1).padStart(5)} %  ${k}`),
        `# ${name}: functions by self time`, ...topFunctions(profile, 30).map(([k, v]) => `${v.toFixed(1).padStart(5)} %  ${k}`), ...allocated];
      writeFileSync(join(dir, `${name}.txt`), `${lines.join('\n')}\n`);
      await running.close();
    },
  };
}

/** The platform's own detector entry, profiled when asked (bench/pipeline.ts). */
export const profiledDetector = threadable(import.meta.url, { name: 'detector', start: (ctx) => profiledStart('detector', ctx, detector.start) });
