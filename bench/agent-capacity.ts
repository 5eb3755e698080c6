/**
 * Agent capacity on the real kernel (root; the local stack running): watched opens
 * (/etc/shadow) offered at rising paced rates by bpf/tools/open-storm.c (a C generator, several
 * processes, well past what the agent can take), each step for STEP_S seconds. Per step: opens/s
 * achieved, events/s published to Kafka, kernel drops, CPU of the Node agent and of the loader,
 * the agent's CPU µs per published event, and the agent's RSS (peak during the step, sampled
 * every 100 ms). A ladder stops after its second step with drops. Each agent launch (AGENTS)
 * climbs its own ladder, ROUNDS times, the order rotated per round; the summary compares every
 * launch with the first one (ratios of medians).
 * Run: sudo npx tsx bench/agent-capacity.ts [ROUNDS=1] [STEP_S=4]
 *   AGENTS='before=cli@<git rev> --max-semi-space-size=4;now=agent MALLOC_MMAP_THRESHOLD_=131072 --max-semi-space-size=4'
 *   (label=cli|agent[@rev] [NAME=value …] [node options]; see agent-harness.ts)
 *   RATES=1000,10000,… (the ladder's paced rates, opens/s)
 */
import { execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, metric, parseLaunches, settle, startAgent, stopAgent, usage, ussMb, type AgentLaunch } from './agent-harness.js';
import { fmt, machine } from './stats.js';

const ROUNDS = Number(process.argv[2] ?? 1);
const STEP_S = Number(process.argv[3] ?? 4);
const RATES = (process.env.RATES ?? '1000,10000,25000,40000,50000,60000,75000,100000,125000,150000,200000').split(',').map(Number);
const PROCS = 2;
const LAUNCHES = parseLaunches(process.env.AGENTS ?? 'cli=cli --max-semi-space-size=4;agent=agent MALLOC_MMAP_THRESHOLD_=131072 --max-semi-space-size=4 --single-threaded-gc');

execFileSync('make', ['-s', '-C', join(ROOT, 'bpf'), '.output/th-open-storm']);
const GENERATOR = join(ROOT, 'bpf/.output/th-open-storm');

/** Runs the generator; resolves with the opens/s it achieved. */
function openStorm(n: number, rate: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const g = spawn(GENERATOR, ['/etc/shadow', String(n), String(rate), String(PROCS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    g.stdout.on('data', (d: Buffer) => (out += d.toString()));
    g.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`th-open-storm exited ${code}`))));
  });
}

interface Step { rate: number; offered: number; published: number; drops: number; n: number; agentCpu: number; loaderCpu: number; usPerEvent: number; peakRssMb: number; loaderUssMb: number; load: number }

async function ladder(launch: AgentLaunch): Promise<Step[]> {
  const agent = await startAgent(launch);
  const { child, port, loader } = agent;
  const steps: Step[] = [];
  try {
    let withDrops = 0;
    for (const rate of RATES) {
      const n = Math.round(rate * STEP_S);
      const a0 = usage(child.pid!);
      const l0 = usage(loader);
      const d0 = await metric(port, 'tracehound_agent_kernel_drops_total');
      const p0 = await metric(port, 'tracehound_kafka_produced_total');
      let peak = a0.rssMb;
      const sampler = setInterval(() => (peak = Math.max(peak, usage(child.pid!).rssMb)), 100);
      const t0 = performance.now();
      const offered = await openStorm(n, rate);
      const lastAt = await settle(port, p0 + n);
      clearInterval(sampler);
      const got = (await metric(port, 'tracehound_kafka_produced_total')) - p0;
      const secs = (lastAt - t0) / 1000;
      const a1 = usage(child.pid!);
      const l1 = usage(loader);
      const drops = (await metric(port, 'tracehound_agent_kernel_drops_total')) - d0;
      const step = {
        rate, offered, n, drops, published: got / secs, agentCpu: (a1.cpu - a0.cpu) / secs, loaderCpu: (l1.cpu - l0.cpu) / secs,
        usPerEvent: ((a1.cpu - a0.cpu) / Math.max(1, got)) * 1e6, peakRssMb: Math.max(peak, a1.rssMb), loaderUssMb: ussMb(loader), load: loadavg()[0]!,
      };
      steps.push(step);
      process.stderr.write(`${launch.label}: ${row(step)}\n`);
      if (drops > 0 && ++withDrops >= 2) break;
    }
  } finally {
    await stopAgent(agent);
  }
  return steps;
}

const row = (s: Step) =>
  `| ${fmt(s.rate)}/s | ${fmt(s.offered)} | ${fmt(s.published)} | ${fmt(s.drops)} of ${fmt(s.n)} | ${fmt(s.agentCpu * 100)} % + ${fmt(s.loaderCpu * 100)} % | ${fmt(s.usPerEvent, 1)} | ${fmt(s.peakRssMb)} MB | ${fmt(s.loaderUssMb)} MB | ${fmt(s.load, 1)} |`;

console.log(`agent capacity — watched opens from ${PROCS} generator processes, ${STEP_S} s per step, ${ROUNDS} round(s) — ${machine()}`);
const results = new Map<string, Step[][]>(LAUNCHES.map((l) => [l.label, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < LAUNCHES.length; i++) {
    const launch = LAUNCHES[(i + r) % LAUNCHES.length]!;
    results.get(launch.label)!.push(await ladder(launch));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
/** The highest paced step without drops, and the figures at 1k and 10k/s. */
const best = (steps: Step[]) => steps.filter((s) => s.drops === 0).reduce<Step | undefined>((b, s) => (!b || s.published > b.published ? s : b), undefined);
const at = (steps: Step[], rate: number) => steps.find((s) => s.rate === rate);

for (const l of LAUNCHES) {
  for (const [r, steps] of results.get(l.label)!.entries()) {
    console.log(`\n${l.label} (${l.entry}${l.root === ROOT ? '' : ` from ${l.root}`} ${[...Object.entries(l.env).map(([k, v]) => `${k}=${v}`), ...l.nodeOptions].join(' ')}), round ${r + 1}:\n`);
    console.log('| paced at | opens/s achieved | events/s published | kernel drops | CPU: Node agent + loader | agent CPU µs/event | agent peak RSS | loader USS | load avg |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of steps) console.log(row(s));
  }
}

type Pick = (steps: Step[]) => number | undefined;
const summary: Array<[string, Pick, number]> = [
  ['highest zero-drop rate published (events/s)', (s) => best(s)?.published, 0],
  ['agent CPU µs/event at 10k/s', (s) => at(s, 10_000)?.usPerEvent, 1],
  ['agent CPU µs/event at the highest zero-drop step', (s) => best(s)?.usPerEvent, 1],
  ['agent CPU at 1k/s (% of a core)', (s) => (at(s, 1_000)?.agentCpu ?? NaN) * 100, 1],
  ['agent CPU at 10k/s (% of a core)', (s) => (at(s, 10_000)?.agentCpu ?? NaN) * 100, 1],
  ['agent CPU at the highest zero-drop step (% of a core)', (s) => (best(s)?.agentCpu ?? NaN) * 100, 1],
  ['agent peak RSS at 1k/s (MB)', (s) => at(s, 1_000)?.peakRssMb, 0],
  ['agent peak RSS at 10k/s (MB)', (s) => at(s, 10_000)?.peakRssMb, 0],
  ['agent peak RSS at the highest zero-drop step (MB)', (s) => best(s)?.peakRssMb, 0],
  ['agent peak RSS over the whole ladder (MB)', (s) => Math.max(...s.map((x) => x.peakRssMb)), 0],
];
const base = LAUNCHES[0]!.label;
console.log(`\nMedians over ${ROUNDS} round(s); ratio = launch / ${base}:\n`);
console.log(`| figure | ${LAUNCHES.map((l) => l.label).join(' | ')} |`);
console.log(`| --- |${LAUNCHES.map(() => ' ---: |').join('')}`);
/** A figure, or a dash where the ladder had no such step (RATES without 1k or 10k). */
const cell = (v: number, digits: number) => (Number.isFinite(v) ? fmt(v, digits) : '—');
for (const [name, pick, digits] of summary) {
  const vals = LAUNCHES.map((l) => median(results.get(l.label)!.map((s) => pick(s) ?? NaN)));
  console.log(`| ${name} | ${vals.map((v, i) => (i === 0 ? cell(v, digits) : `${cell(v, digits)} (${cell(v / vals[0]!, 2)}×)`)).join(' | ')} |`);
}
