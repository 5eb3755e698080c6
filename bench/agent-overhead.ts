/**
 * Agent overhead and capacity on the real kernel (root; the local stack running).
 *  1. Overhead: wall time of a fixed workload — N_EXEC execs of /bin/true and N_OPEN open/close
 *     of /etc/shadow (a watched path) — with no agent, with the kernel side alone (the loader's
 *     BPF programs attached and its ring drained to /dev/null: nothing decoded or published),
 *     with the agent publishing to Kafka, and with auditd holding equivalent rules (execve + read
 *     watch on /etc/shadow). The four are interleaved, ROUNDS times, and medians are compared (the
 *     machine is shared: each cell also shows its min–max). The agent runs a short exec storm
 *     (a tenth of N_EXEC) before the measured one, as a node's agent has long been running when a
 *     storm comes: its first storm also pays V8's compilation of the hot paths, on its helper
 *     threads (about a fifth of its CPU then). During the agent's exec storm it records where the time goes:
 *     CPU of the Node agent and of the loader, and the BPF programs' run time per exec
 *     (kernel.bpf_stats_enabled, read with bpftool).
 * Capacity (paced storms at rising rates) is bench/agent-capacity.ts.
 * Run: sudo npx tsx bench/agent-overhead.ts [N_EXEC=20000] [N_OPEN=1000000] [ROUNDS=3]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, parseLaunches, settle, startAgent, stopAgent, usage } from './agent-harness.js';
import { fmt, machine } from './stats.js';

const N_EXEC = Number(process.argv[2] ?? 20_000);
const N_OPEN = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.argv[4] ?? 3);
const BPF_STATS = '/proc/sys/kernel/bpf_stats_enabled';

const execStorm = (n = N_EXEC) => {
  const t = performance.now();
  spawnSync('bash', ['-c', `for ((i = 0; i < ${n}; i++)); do /bin/true; done`]);
  return (performance.now() - t) / 1000;
};
const openStorm = (n: number) => {
  const t = performance.now();
  spawnSync('python3', ['-c', `import os\nfor i in range(${n}):\n    os.close(os.open('/etc/shadow', os.O_RDONLY))\n`]);
  return (performance.now() - t) / 1000;
};

/** Total run time (ns) and runs of the th_* BPF programs. */
function bpfRunTime(): { ns: number; runs: number } {
  const progs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as Array<{ name?: string; run_time_ns?: number; run_cnt?: number }>;
  return progs.filter((p) => p.name?.startsWith('th_')).reduce((s, p) => ({ ns: s.ns + (p.run_time_ns ?? 0), runs: s.runs + (p.run_cnt ?? 0) }), { ns: 0, runs: 0 });
}

/** As k8s/base/agent.yaml runs the agent (see services/agent/README.md); AGENT=label=cli|agent[@rev] [node options]. */
const LAUNCH = parseLaunches(process.env.AGENT ?? 'agent=agent MALLOC_MMAP_THRESHOLD_=131072 --max-semi-space-size=4 --single-threaded-gc')[0]!;

const progress = (m: string) => process.stderr.write(`${m}\n`);
type Cell = { exec: number[]; open: number[] };
const runs: Record<'none' | 'kernel' | 'agent' | 'auditd', Cell> = { none: { exec: [], open: [] }, kernel: { exec: [], open: [] }, agent: { exec: [], open: [] }, auditd: { exec: [], open: [] } };
const execCost: Array<{ agentUs: number; loaderUs: number; bpfUs: number }> = [];

async function withAgent(): Promise<void> {
  const agent = await startAgent(LAUNCH);
  const { child, port, loader } = agent;
  execStorm(Math.ceil(N_EXEC / 10));
  await settle(port);
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
  await stopAgent(agent);
}

/** The kernel side alone: the agent's loader with its BPF programs attached, records read off the ring and dropped. */
async function withLoaderOnly(): Promise<void> {
  const loader = spawn(join(ROOT, 'bpf/.output/tracehound-loader'), ['--stats-interval', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  loader.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((r) => setTimeout(r, 3_000));
  if (loader.exitCode !== null) throw new Error(`loader exited ${loader.exitCode}: ${err}`);
  runs.kernel.exec.push(execStorm());
  runs.kernel.open.push(openStorm(N_OPEN));
  const exited = new Promise((r) => loader.once('exit', r));
  loader.kill('SIGTERM');
  await exited;
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

if (spawnSync('auditctl', ['-v']).error) {
  console.error('agent-overhead: auditctl not found; the auditd comparison needs Debian\'s auditd (apt-get install auditd)');
  process.exit(69);
}
console.log(`agent overhead — ${fmt(N_EXEC)} execs of /bin/true, ${fmt(N_OPEN)} open/close of /etc/shadow, ${ROUNDS} interleaved rounds — ${machine()}`);
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so no condition always follows the same one.
  const order = [['none', () => void (runs.none.exec.push(execStorm()), runs.none.open.push(openStorm(N_OPEN)))], ['kernel', withLoaderOnly], ['agent', withAgent], ['auditd', withAuditd]] as const;
  for (let i = 0; i < order.length; i++) {
    const [name, run] = order[(i + r) % order.length]!;
    await run();
    progress(`round ${r + 1}: ${name} exec ${fmt(runs[name].exec.at(-1)!, 2)} s, open ${fmt(runs[name].open.at(-1)!, 2)} s`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
report();
function report(): void {
  const cell = (xs: number[], base?: number) => {
    const m = median(xs);
    const over = base === undefined ? '' : ` (${m >= base ? '+' : ''}${fmt(((m - base) / base) * 100, 1)} %)`;
    return `${fmt(m, 2)} s${over} [${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}]`;
  };
  const base = { exec: median(runs.none.exec), open: median(runs.none.open) };
  console.log(`\nMedian of ${ROUNDS} rounds [min–max]:\n`);
  console.log('| workload | no agent | kernel side alone (BPF programs + loader, records dropped) | Tracehound agent → Kafka | auditd (same rules) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| ${fmt(N_EXEC)} execs of /bin/true | ${cell(runs.none.exec)} | ${cell(runs.kernel.exec, base.exec)} | ${cell(runs.agent.exec, base.exec)} | ${cell(runs.auditd.exec, base.exec)} |`);
  console.log(`| ${fmt(N_OPEN)} open/close of /etc/shadow | ${cell(runs.none.open)} | ${cell(runs.kernel.open, base.open)} | ${cell(runs.agent.open, base.open)} | ${cell(runs.auditd.open, base.open)} |`);
  const ratio = (k: 'exec' | 'open', who: 'agent' | 'kernel' = 'agent') => {
    const audit = median(runs.auditd[k]) - base[k];
    return audit > 0 ? fmt((median(runs[who][k]) - base[k]) / audit, 2) : 'n/a (auditd showed no overhead)';
  };
  console.log(`agent overhead / auditd overhead (medians): execs ${ratio('exec')}, opens ${ratio('open')}; the kernel side alone: execs ${ratio('exec', 'kernel')}, opens ${ratio('open', 'kernel')}`);
  const us = (k: keyof (typeof execCost)[number]) => fmt(median(execCost.map((c) => c[k])), 1);
  console.log(`where an exec's cost goes (median per exec, 3 events each, the idle rate before the storm subtracted): BPF programs ${us('bpfUs')} µs (machine-wide run time of th_* programs), loader ${us('loaderUs')} µs CPU, Node agent ${us('agentUs')} µs CPU; baseline exec ${fmt((base.exec / N_EXEC) * 1e6, 0)} µs wall`);

}
