/**
 * Agent overhead and capacity on the real kernel (root; the local stack running).
 *  1. Overhead: wall time of a fixed workload — N_EXEC execs of /bin/true and N_OPEN open/close
 *     of /etc/shadow (a watched path) — with no agent, with the agent publishing to Kafka, and
 *     with auditd holding equivalent rules (execve + read watch on /etc/shadow). The three are
 *     interleaved, ROUNDS times, and medians are compared (the machine is shared: each cell
 *     also shows its min–max). During the agent's exec storm it records where the time goes:
 *     CPU of the Node agent and of the loader, and the BPF programs' run time per exec
 *     (kernel.bpf_stats_enabled, read with bpftool).
 *  2. Capacity: open storms paced at rising rates; events/s published, kernel drops, agent CPU
 *     (Node + loader) and RSS of each process. The highest rate with zero drops is the capacity.
 * Run: sudo npx tsx bench/agent-overhead.ts [N_EXEC=20000] [N_OPEN=1000000] [ROUNDS=3] (ROUNDS=0: capacity only)
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { fmt, machine } from './stats.js';

const N_EXEC = Number(process.argv[2] ?? 20_000);
const N_OPEN = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const CLK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const BPF_STATS = '/proc/sys/kernel/bpf_stats_enabled';

const execStorm = () => {
  const t = performance.now();
  spawnSync('bash', ['-c', `for ((i = 0; i < ${N_EXEC}; i++)); do /bin/true; done`]);
  return (performance.now() - t) / 1000;
};
const openStorm = (n: number, rate = 0) => {
  const t = performance.now();
  const py = `import os, time\nn, rate = ${n}, ${rate}\nt0 = time.perf_counter()\nfor i in range(n):\n    os.close(os.open('/etc/shadow', os.O_RDONLY))\n    if rate and i % 100 == 0:\n        ahead = i / rate - (time.perf_counter() - t0)\n        if ahead > 0: time.sleep(ahead)\n`;
  spawnSync('python3', ['-c', py]);
  return (performance.now() - t) / 1000;
};

/** utime+stime (s) and RSS (MB) of one process. */
function usage(pid: number): { cpu: number; rssMb: number } {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / CLK, rssMb: (Number(f[21]) * 4096) / 2 ** 20 };
  } catch {
    return { cpu: 0, rssMb: 0 };
  }
}

/**
 * The loader's own memory (USS: pages mapped by it alone). Its RSS also counts the ring buffer,
 * kernel memory of a fixed size that is mapped twice (data pages repeat so records can wrap).
 */
function ussMb(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return [...text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)].reduce((s, m) => s + Number(m[1]), 0) / 1024;
  } catch {
    return 0;
  }
}

const loaderPid = (agentPid: number) =>
  readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).find((p) => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      return st.includes('(tracehound-load') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === agentPid;
    } catch {
      return false;
    }
  });

/** Total run time (ns) and runs of the th_* BPF programs. */
function bpfRunTime(): { ns: number; runs: number } {
  const progs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ name?: string; run_time_ns?: number; run_cnt?: number }>;
  return progs.filter((p) => p.name?.startsWith('th_')).reduce((s, p) => ({ ns: s.ns + (p.run_time_ns ?? 0), runs: s.runs + (p.run_cnt ?? 0) }), { ns: 0, runs: 0 });
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

/** As k8s/base/agent.yaml runs the agent (a smaller young generation; see services/agent/README.md). */
const AGENT_NODE_OPTIONS = process.env.AGENT_NODE_OPTIONS ?? '--max-semi-space-size=4';

async function startAgent(): Promise<{ child: ChildProcess; port: number; loader: number }> {
  const port = 19464;
  const cfg = stackConfig();
  const child = spawn('./bin/tracehound.js', ['agent'], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, NODE_OPTIONS: AGENT_NODE_OPTIONS, TRACEHOUND_TOPIC_PREFIX: uniquePrefix('bench'), TRACEHOUND_AGENT_HTTP_PORT: String(port), TRACEHOUND_DATA_DIR: mkdtempSync(join(tmpdir(), 'th-bench-')), TRACEHOUND_KAFKA_BROKERS: cfg.TRACEHOUND_KAFKA_BROKERS, TRACEHOUND_LOG_LEVEL: 'warn' },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) {
        await new Promise((r) => setTimeout(r, 2_000)); // let start-up work settle
        return { child, port, loader: loaderPid(child.pid!) ?? 0 };
      }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('agent did not become ready');
}

async function stopAgent(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Publishing has caught up when the produced count stops moving (kernel drops never arrive). */
async function settle(port: number, target = Infinity): Promise<number> {
  const published = () => metric(port, 'tracehound_kafka_produced_total');
  let last = -1;
  let lastAt = performance.now();
  for (let now = await published(); now < target && performance.now() - lastAt < 2_000; now = await published()) {
    if (now !== last) [last, lastAt] = [now, performance.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  return lastAt;
}

const progress = (m: string) => process.stderr.write(`${m}\n`);
type Cell = { exec: number[]; open: number[] };
const runs: Record<'none' | 'agent' | 'auditd', Cell> = { none: { exec: [], open: [] }, agent: { exec: [], open: [] }, auditd: { exec: [], open: [] } };
const execCost: Array<{ agentUs: number; loaderUs: number; bpfUs: number }> = [];

async function withAgent(): Promise<void> {
  const { child, port, loader } = await startAgent();
  const bpfWas = readFileSync(BPF_STATS, 'utf8').trim();
  writeFileSync(BPF_STATS, '1');
  // What the agent spends with no storm (other processes' events, timers) is subtracted.
  const i0 = { a: usage(child.pid!).cpu, l: usage(loader).cpu, b: bpfRunTime().ns, t: performance.now() };
  await new Promise((r) => setTimeout(r, 3_000));
  const a0 = usage(child.pid!);
  const l0 = usage(loader);
  const b0 = bpfRunTime();
  const t0 = performance.now();
  const idleS = (t0 - i0.t) / 1000;
  runs.agent.exec.push(execStorm());
  await settle(port);
  const b1 = bpfRunTime();
  const secs = (performance.now() - t0) / 1000;
  writeFileSync(BPF_STATS, bpfWas);
  const a1 = usage(child.pid!);
  const l1 = usage(loader);
  const net = (d: number, idle: number) => Math.max(0, d - (idle / idleS) * secs) / N_EXEC;
  execCost.push({ agentUs: net(a1.cpu - a0.cpu, a0.cpu - i0.a) * 1e6, loaderUs: net(l1.cpu - l0.cpu, l0.cpu - i0.l) * 1e6, bpfUs: net((b1.ns - b0.ns) / 1e9, (b0.ns - i0.b) / 1e9) * 1e6 });
  runs.agent.open.push(openStorm(N_OPEN));
  await settle(port);
  await stopAgent(child);
}

function withAuditd(): void {
  execFileSync('auditctl', ['-D']);
  const auditd = spawn('auditd', ['-n'], { stdio: 'ignore' });
  spawnSync('sleep', ['1.5']);
  execFileSync('auditctl', ['-e', '1']);
  execFileSync('auditctl', ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', 'th-bench']);
  execFileSync('auditctl', ['-w', '/etc/shadow', '-p', 'r', '-k', 'th-bench']);
  runs.auditd.exec.push(execStorm());
  runs.auditd.open.push(openStorm(N_OPEN));
  execFileSync('auditctl', ['-D']);
  execFileSync('auditctl', ['-e', '0']);
  auditd.kill('SIGTERM');
  spawnSync('sleep', ['1']);
}

console.log(`agent overhead — ${fmt(N_EXEC)} execs of /bin/true, ${fmt(N_OPEN)} open/close of /etc/shadow, ${ROUNDS} interleaved rounds — ${machine()}`);
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so no condition always follows the same one.
  const order = [['none', () => void (runs.none.exec.push(execStorm()), runs.none.open.push(openStorm(N_OPEN)))], ['agent', withAgent], ['auditd', withAuditd]] as const;
  for (let i = 0; i < order.length; i++) {
    const [name, run] = order[(i + r) % order.length]!;
    await run();
    progress(`round ${r + 1}: ${name} exec ${fmt(runs[name].exec.at(-1)!, 2)} s, open ${fmt(runs[name].open.at(-1)!, 2)} s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
if (ROUNDS > 0) report();
function report(): void {
  const cell = (xs: number[], base?: number) => {
    const m = median(xs);
    const over = base === undefined ? '' : ` (${m >= base ? '+' : ''}${fmt(((m - base) / base) * 100, 1)} %)`;
    return `${fmt(m, 2)} s${over} [${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}]`;
  };
  const base = { exec: median(runs.none.exec), open: median(runs.none.open) };
  console.log(`\nMedian of ${ROUNDS} rounds [min–max]:\n`);
  console.log('| workload | no agent | Tracehound agent → Kafka | auditd (same rules) |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| ${fmt(N_EXEC)} execs of /bin/true | ${cell(runs.none.exec)} | ${cell(runs.agent.exec, base.exec)} | ${cell(runs.auditd.exec, base.exec)} |`);
  console.log(`| ${fmt(N_OPEN)} open/close of /etc/shadow | ${cell(runs.none.open)} | ${cell(runs.agent.open, base.open)} | ${cell(runs.auditd.open, base.open)} |`);
  const ratio = (k: 'exec' | 'open') => {
    const audit = median(runs.auditd[k]) - base[k];
    return audit > 0 ? fmt((median(runs.agent[k]) - base[k]) / audit, 2) : 'n/a (auditd showed no overhead)';
  };
  console.log(`agent overhead / auditd overhead (medians): execs ${ratio('exec')}, opens ${ratio('open')}`);
  const us = (k: keyof (typeof execCost)[number]) => fmt(median(execCost.map((c) => c[k])), 1);
  console.log(`where an exec's cost goes (median per exec, 3 events each, the idle rate before the storm subtracted): BPF programs ${us('bpfUs')} µs (machine-wide run time of th_* programs), loader ${us('loaderUs')} µs CPU, Node agent ${us('agentUs')} µs CPU; baseline exec ${fmt((base.exec / N_EXEC) * 1e6, 0)} µs wall`);

}

// Capacity: paced open storms at rising rates, then full speed.
const { child, port, loader } = await startAgent();
const capacity: string[] = [];
let best = 0;
for (const [rate, n] of [[1_000, 5_000], [10_000, 50_000], [25_000, 100_000], [50_000, 200_000], [75_000, 300_000], [100_000, 400_000], [0, 300_000]] as const) {
  const a0 = usage(child.pid!);
  const l0 = usage(loader);
  const d0 = await metric(port, 'tracehound_agent_kernel_drops_total');
  const p0 = await metric(port, 'tracehound_kafka_produced_total');
  const t0 = performance.now();
  const offered = n / openStorm(n, rate);
  const lastAt = await settle(port, p0 + n);
  const got = (await metric(port, 'tracehound_kafka_produced_total')) - p0;
  const secs = (lastAt - t0) / 1000;
  const a1 = usage(child.pid!);
  const l1 = usage(loader);
  const drops = (await metric(port, 'tracehound_agent_kernel_drops_total')) - d0;
  if (drops === 0 && rate) best = Math.max(best, got / secs);
  capacity.push(`| ${rate ? `${fmt(rate)}/s` : 'full speed'} | ${fmt(offered)} | ${fmt(got / secs)} | ${fmt(((a1.cpu - a0.cpu) / secs) * 100)} % + ${fmt(((l1.cpu - l0.cpu) / secs) * 100)} % | ${fmt(a1.rssMb)} MB + ${fmt(ussMb(loader))} MB (${fmt(l1.rssMb)} MB) | ${fmt(drops)} of ${fmt(n)} |`);
  progress(capacity.at(-1)!);
}
await stopAgent(child);
console.log('\n| open storm paced at | opens/s achieved | events/s published | CPU: Node agent + loader | RSS: Node agent + loader USS (loader RSS, ring buffer counted twice) | kernel drops |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const l of capacity) console.log(l);
console.log(`highest paced rate published with zero kernel drops: ${fmt(best)} events/s`);
