/**
 * Detector rule evaluation: events/s on one core for 1, 30 and 100 rules (the default set plus
 * generated rules), through the compiled path (Detection.process: kind index, compiled
 * conditions, exceptions, alert building) and through plain json-rules-engine, in one run;
 * p99 per-event latency of the compiled path; memory of stateful rules at 10k active keys.
 * Run: npx tsx --expose-gc bench/detector-rules.ts   (about 40 s)
 */
import { sampleEnrichedEvent, type Event, type EventKind } from '@tracehound/schemas';
import { DEFAULT_RULE_FILES } from '../rules/index.js';
import { Detection, ReferenceEngine, buildRuleSet, readRuleFiles, type RuleDoc } from '@tracehound/detector';
import { fmt, machine, percentile } from './stats.js';

const { raw } = readRuleFiles(DEFAULT_RULE_FILES);
const defaults = [...raw.rules.values()].map((l) => l.value as RuleDoc).filter((r) => !r.stateful);

/** A variant of a default rule whose string values differ, so it costs the same but rarely matches. */
function variant(r: RuleDoc, n: number): RuleDoc {
  const bump = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string' && key === 'value') return `${v}${n}`;
    if (Array.isArray(v)) return v.map((x) => bump(x, key));
    if (v && typeof v === 'object') {
      const leaf = v as { fact?: string; operator?: string };
      const keep = leaf.fact === 'kind' || /family$/.test(leaf.fact ?? '') || /inList|cidr/.test(leaf.operator ?? '');
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'value' && keep ? x : bump(x, k)]));
    }
    return v;
  };
  return { ...r, id: `${r.id}-gen-${n}`, condition: bump(r.condition) as RuleDoc['condition'], examples: {} };
}

function setOf(n: number) {
  const docs: RuleDoc[] = [];
  for (let i = 0; docs.length < n; i++) docs.push(i < defaults.length ? defaults[i]! : variant(defaults[i % defaults.length]!, i));
  const r = { ...raw, rules: new Map(docs.map((d) => [d.id, { value: d, source: 'bench', pointer: [] }])) };
  const b = buildRuleSet(r);
  if (!b.ok) throw new Error(b.issues.map((i) => i.message).join('\n'));
  return b.set;
}

// A realistic mix: mostly file opens and execs, some network, a few of the rest; 5% suspicious.
const MIX: Array<[EventKind, number]> = [['file_open', 40], ['process_exec', 20], ['net_connect', 15], ['file_write', 8], ['process_exit', 7], ['net_accept', 4], ['file_unlink', 3], ['priv_change', 1], ['net_socket', 1], ['ptrace', 1]];
const events: Event[] = [];
for (let i = 0; i < 20_000; i++) {
  let x = i % 100;
  const kind = MIX.find(([, w]) => (x -= w) < 0)![0];
  const e = sampleEnrichedEvent(kind, { id: `b-${i}` });
  if (i % 20 !== 0) {
    e.process = { ...e.process!, comm: 'java', exe: '/opt/java/bin/java', tty: null, uid: 1000, args: ['java', '-jar', 'app.jar'], ancestors: [] };
    if (e.file) e.file = { ...e.file, path: `/app/data/${i % 500}.bin` };
    if (e.net) e.net = { ...e.net, dst_addr: '10.1.2.3', dst_port: 5432 };
    if (e.privilege) e.privilege = { ...e.privilege, new_uid: 1000, new_euid: 1000 };
  }
  events.push(e);
}

function fastRate(n: number, ms: number): number {
  const d = new Detection({ maxKeys: 100_000, now: () => 0n });
  d.setRules(setOf(n));
  let i = 0;
  const warm = Date.now() + 300;
  while (Date.now() < warm) d.process(events[i++ % events.length]!);
  const start = process.hrtime.bigint();
  let done = 0;
  while (Number(process.hrtime.bigint() - start) < ms * 1e6) {
    for (let k = 0; k < 1000; k++) d.process(events[(i + k) % events.length]!);
    i += 1000;
    done += 1000;
  }
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function referenceRate(n: number, ms: number): Promise<number> {
  const ref = new ReferenceEngine(setOf(n).source);
  const start = Date.now();
  let done = 0;
  while (Date.now() - start < ms) await ref.matching(events[done++ % events.length]!);
  return done / ((Date.now() - start) / 1000);
}

function p99(n: number): { p50: number; p99: number; max: number } {
  const d = new Detection({ maxKeys: 100_000, now: () => 0n });
  d.setRules(setOf(n));
  for (let i = 0; i < 20_000; i++) d.process(events[i % events.length]!);
  const lat: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const t0 = process.hrtime.bigint();
    d.process(events[i % events.length]!);
    lat.push(Number(process.hrtime.bigint() - t0));
  }
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1)! };
}

function stateMemory(keys: number): { bytesPerKey: number; mib: number } {
  const stateful = [...raw.rules.values()].map((l) => l.value as RuleDoc).filter((r) => r.stateful);
  const b = buildRuleSet({ ...raw, rules: new Map(stateful.map((d) => [d.id, { value: d, source: 'bench', pointer: [] }])) });
  if (!b.ok) throw new Error('stateful rules do not build');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const d = new Detection({ maxKeys: 100_000, now: () => 0n });
  d.setRules(b.set);
  for (let k = 0; k < keys; k++) {
    const pod = `pod-${k}`;
    const exec = sampleEnrichedEvent('process_exec', { id: `m-${k}-e` });
    exec.k8s = { ...exec.k8s!, pod_uid: pod };
    d.process(exec, 0, BigInt(k));
    for (let j = 0; j < 19; j++) {
      const f = sampleEnrichedEvent('net_connect', { id: `m-${k}-${j}`, ts: exec.ts + BigInt(j) * 1_000_000n });
      f.k8s = { ...f.k8s!, pod_uid: pod };
      f.net = { ...f.net!, dst_addr: '10.0.0.9', result: -111 };
      d.process(f, 0, BigInt(k));
    }
  }
  gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  const sizes = d.stateSizes();
  if (Object.values(sizes).some((s) => s !== keys)) throw new Error(`expected ${keys} keys per rule, got ${JSON.stringify(sizes)}`);
  return { bytesPerKey: bytes / keys, mib: bytes / 2 ** 20 };
}

console.log(`detector rules benchmark — ${machine()}${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for exact memory)'}`);
console.log('| rules | compiled events/s | json-rules-engine events/s | speed-up |');
console.log('| ---: | ---: | ---: | ---: |');
for (const n of [1, 30, 100]) {
  const fast = fastRate(n, 4_000);
  const slow = await referenceRate(n, n === 100 ? 6_000 : 4_000);
  console.log(`| ${n} | ${fmt(fast)} | ${fmt(slow)} | ×${fmt(fast / slow)} |`);
}
const l = p99(100);
console.log(`per-event evaluation latency, 100 rules, compiled: p50 ${fmt(l.p50 / 1000, 2)} µs, p99 ${fmt(l.p99 / 1000, 2)} µs, max ${fmt(l.max / 1000, 0)} µs`);
const m = stateMemory(10_000);
console.log(`stateful rules (threshold count 20 + sequence), 10,000 active keys each: ${fmt(m.mib, 1)} MiB heap, ${fmt(m.bytesPerKey)} bytes per key (both rules)`);
