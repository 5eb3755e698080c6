/**
 * The detector's per-event work from Kafka bytes to verdicts: reading an events.enriched record
 * (adapters/event-decoder.ts) and evaluating the default rules on it (Detection.process). Two
 * ways, interleaved in one process: records read whole (every field; the detector before it read
 * only what rules read), and read for the fields the rule set reads (RuleSet.fields), the whole
 * event read again only for an alert. Events: the mix of bench/detector-rules.ts (40 % file opens,
 * 20 % execs, …), one in 1,000 suspicious, each with the sample's four ancestors and K8s block.
 * Prints events/s on one core, the garbage collector's pause time per 100,000 events, and the ratio.
 * Needs the registry of the local stack. Run: npx tsx bench/detector-decode.ts [rounds=3] [seconds per run=3] [one suspicious event in N=1000]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { SchemaMatch } from '@tracehound/kafka';
import { RecordCodec, createRegistry, sampleEnrichedEvent, type Event, type EventKind } from '@tracehound/schemas';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { DEFAULT_RULE_FILES } from '../rules/index.js';
import { Detection, buildRuleSet, readRuleFiles } from '@tracehound/detector';
import { EnrichedEventReader } from '../services/detector/src/adapters/event-decoder.js';
import { fmt, machine } from './stats.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);

const built = buildRuleSet(readRuleFiles(DEFAULT_RULE_FILES).raw);
if (!built.ok) throw new Error('the default rules do not build');
const set = built.set;

const registry = createRegistry(stackConfig().TRACEHOUND_REGISTRY_URL);
const codec = new RecordCodec(registry, 'tracehound.Event');
const match = new SchemaMatch(codec.type, registry);
match.add(await codec.register(`${uniquePrefix('bench-detector-decode')}.events.enriched-value`));

/** One event in this many keeps the sample's suspicious content (shell, /etc/shadow, …); bench/pipeline.ts alerts on one in 1,000. */
const SUSPICIOUS_EVERY = Number(process.argv[4] ?? 1000);
const MIX: Array<[EventKind, number]> = [['file_open', 40], ['process_exec', 20], ['net_connect', 15], ['file_write', 8], ['process_exit', 7], ['net_accept', 4], ['file_unlink', 3], ['priv_change', 1], ['net_socket', 1], ['ptrace', 1]];
const records: Buffer[] = [];
for (let i = 0; i < 20_000; i++) {
  let x = i % 100;
  const kind = MIX.find(([, w]) => (x -= w) < 0)![0];
  const e: Event = sampleEnrichedEvent(kind, { id: `b-${i}` });
  if (i % SUSPICIOUS_EVERY !== 0) {
    e.process = { ...e.process!, comm: 'java', exe: '/opt/java/bin/java', tty: null, uid: 1000, args: ['java', '-jar', 'app.jar', `--port=${8000 + (i % 100)}`] };
    if (e.file) e.file = { ...e.file, path: `/app/data/${i % 500}.bin` };
    if (e.net) e.net = { ...e.net, dst_addr: '10.1.2.3', dst_port: 5432 };
    if (e.privilege) e.privilege = { ...e.privilege, new_uid: 1000, new_euid: 1000 };
  }
  e.k8s = { ...e.k8s!, pod: `pod-${i % 50}`, pod_uid: `uid-${i % 50}` };
  records.push(codec.encode(e));
}

let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });

async function run(partial: boolean): Promise<{ rate: number; gcPer100k: number; alerts: number }> {
  const reader = new EnrichedEventReader(codec, match);
  const d = new Detection({ maxKeys: 100_000, now: () => 0n });
  d.setRules(set);
  const fields = partial ? set.fields : undefined;
  let alerts = 0;
  const one = (i: number): void => {
    const buf = records[i % records.length]!;
    const event = reader.read(buf, fields);
    alerts += d.process(event, 0, BigInt(i), partial ? { full: () => reader.read(buf, undefined) } : undefined).length;
  };
  for (let i = 0; i < 20_000; i++) one(i);
  alerts = 0;
  const gc0 = gcMs;
  const start = process.hrtime.bigint();
  let n = 0;
  while (Number(process.hrtime.bigint() - start) < seconds * 1e9) {
    for (let k = 0; k < 1000; k++) one(n + k);
    n += 1000;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((r) => setImmediate(r)); // the GC entries of the run are delivered
  return { rate: n / s, gcPer100k: ((gcMs - gc0) / n) * 100_000, alerts: alerts / n };
}

console.log(`# bench/detector-decode.ts — ${machine()}; ${set.rules.length} default rules; ${set.fields.length} field paths read; ${rounds} rounds of ${seconds} s each way; one event in ${SUSPICIOUS_EVERY} suspicious`);
const out: Record<string, Array<Awaited<ReturnType<typeof run>>>> = { whole: [], part: [] };
for (let r = 0; r < rounds; r++) {
  for (const partial of r % 2 ? [true, false] : [false, true]) out[partial ? 'part' : 'whole']!.push(await run(partial));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [k, rs] of Object.entries(out)) {
  console.log(`${k === 'whole' ? 'read whole          ' : 'read for rule fields'}: ${fmt(med(rs.map((r) => r.rate)))} events/s [${rs.map((r) => fmt(r.rate)).join(', ')}], GC pauses ${fmt(med(rs.map((r) => r.gcPer100k)), 1)} ms per 100k events, ${fmt(100 * rs[0]!.alerts, 2)} % alerted`);
}
console.log(`ratio (read for rule fields / read whole): ${fmt(med(out.part!.map((r) => r.rate)) / med(out.whole!.map((r) => r.rate)), 2)}×`);
process.exit(0);
