/**
 * Agent overhead and capacity on the real kernel (root; the local stack running).
 *  1. Overhead: wall time of a fixed workload — N_EXEC execs of /bin/true and N_OPEN open/close
 *     of /etc/shadow (a watched path) — with no agent, with the agent publishing to Kafka, and
 *     with auditd holding equivalent rules (execve + read watch on /etc/shadow). Prints ratios.
 *  2. Capacity: agent CPU and RSS at ~1k and ~10k events/s, and at full speed, with kernel drops.
 * Run: npx tsx bench/agent-overhead.ts [N_EXEC=20000] [N_OPEN=1000000]
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig, uniquePrefix } from '@tracehound/testkit';
import { fmt, machine } from './stats.js';

const N_EXEC = Number(process.argv[2] ?? 20_000);
const N_OPEN = Number(process.argv[3] ?? 1_000_000);
const CLK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

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

/** utime+stime (s) and RSS (MB) of a process and its descendants. */
function usage(root: number): { cpu: number; rssMb: number } {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch { /* gone */ }
  }
  let cpu = 0;
  let rss = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / CLK;
      rss += Number(f[21]) * 4096;
    } catch { /* gone */ }
    todo.push(...(kids.get(pid) ?? []));
  }
  return { cpu, rssMb: rss / 2 ** 20 };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

async function startAgent(): Promise<{ child: ChildProcess; port: number }> {
  const port = 19464;
  const cfg = stackConfig();
  const child = spawn('./bin/tracehound.js', ['agent'], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, TRACEHOUND_TOPIC_PREFIX: uniquePrefix('bench'), TRACEHOUND_AGENT_HTTP_PORT: String(port), TRACEHOUND_DATA_DIR: mkdtempSync(join(tmpdir(), 'th-bench-')), TRACEHOUND_KAFKA_BROKERS: cfg.TRACEHOUND_KAFKA_BROKERS, TRACEHOUND_LOG_LEVEL: 'warn' },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { child, port };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('agent did not become ready');
}

async function stopAgent(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

console.log(`agent overhead — ${fmt(N_EXEC)} execs of /bin/true, ${fmt(N_OPEN)} open/close of /etc/shadow — ${machine()}`);
const progress = (m: string) => process.stderr.write(`${m}\n`);
const base = { exec: execStorm(), open: openStorm(N_OPEN) };
progress(`baseline ${JSON.stringify(base)}`);

const { child, port } = await startAgent();
progress('agent ready');
const withAgent = { exec: execStorm(), open: openStorm(N_OPEN) };
progress(`with agent ${JSON.stringify(withAgent)}`);
// Let the agent finish publishing the storm before measuring capacity.
const published = async () => metric(port, 'tracehound_kafka_produced_total');
for (let last = -1, now = await published(), i = 0; now !== last && i < 60; last = now, now = await published(), i++) await new Promise((r) => setTimeout(r, 1000));
progress('published settled');

const capacity: string[] = [];
for (const [label, rate, n] of [['~1k ev/s', 1_000, 5_000], ['~10k ev/s', 10_000, 50_000], ['full speed', 0, 300_000]] as const) {
  const u0 = usage(child.pid!);
  const d0 = await metric(port, 'tracehound_agent_kernel_drops_total');
  const p0 = await published();
  const t0 = performance.now();
  openStorm(n, rate);
  // Published until it stops growing (events dropped in the kernel never arrive).
  let last = -1;
  let lastAt = performance.now();
  for (let now = await published(); now - p0 < n && performance.now() - lastAt < 2_000; now = await published()) {
    if (now !== last) [last, lastAt] = [now, performance.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  const got = (await published()) - p0;
  const secs = (lastAt - t0) / 1000;
  const u1 = usage(child.pid!);
  const drops = (await metric(port, 'tracehound_agent_kernel_drops_total')) - d0;
  capacity.push(`| ${label} | ${fmt(got / secs)} | ${fmt(((u1.cpu - u0.cpu) / secs) * 100)} % | ${fmt(u1.rssMb)} MB | ${fmt(drops)} of ${fmt(n)} |`);
}
await stopAgent(child);

execFileSync('auditctl', ['-D']);
const auditd = spawn('auditd', ['-n'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 1500));
execFileSync('auditctl', ['-e', '1']);
execFileSync('auditctl', ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', 'th-bench']);
execFileSync('auditctl', ['-w', '/etc/shadow', '-p', 'r', '-k', 'th-bench']);
const withAudit = { exec: execStorm(), open: openStorm(N_OPEN) };
execFileSync('auditctl', ['-D']);
execFileSync('auditctl', ['-e', '0']);
auditd.kill('SIGTERM');

const over = (x: number, b: number) => `${fmt(((x - b) / b) * 100, 1)} %`;
console.log('| workload | no agent | Tracehound agent → Kafka | auditd (same rules) |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| ${fmt(N_EXEC)} execs | ${fmt(base.exec, 2)} s | ${fmt(withAgent.exec, 2)} s (+${over(withAgent.exec, base.exec)}) | ${fmt(withAudit.exec, 2)} s (+${over(withAudit.exec, base.exec)}) |`);
console.log(`| ${fmt(N_OPEN)} opens | ${fmt(base.open, 2)} s | ${fmt(withAgent.open, 2)} s (+${over(withAgent.open, base.open)}) | ${fmt(withAudit.open, 2)} s (+${over(withAudit.open, base.open)}) |`);
const ratio = (a: number, b: number, c: number) => fmt((a - c) / Math.max(1e-9, b - c), 2);
console.log(`agent overhead / auditd overhead: execs ${ratio(withAgent.exec, withAudit.exec, base.exec)}, opens ${ratio(withAgent.open, withAudit.open, base.open)}`);
console.log('\n| load | events/s published | agent CPU (agent + loader) | RSS | kernel drops |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const l of capacity) console.log(l);
