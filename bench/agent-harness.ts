/**
 * What the agent benchmarks share: starting a real agent process (as the CLI or the DaemonSet
 * launches it, from this tree or from an earlier commit), reading its /metrics, the CPU and
 * memory of it and of its loader, and waiting until publishing has caught up.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { deletePrefixTopics, stackConfig, uniquePrefix } from '@tracehound/testkit';

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const CLK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** utime+stime (s) and RSS (MB) of one process. */
export function usage(pid: number): { cpu: number; rssMb: number } {
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
export function ussMb(pid: number): number {
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

export async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

/**
 * How an agent is launched. `cli`: `bin/tracehound.js agent` (tsx's ES module hooks, on a worker
 * thread); `agent`: `services/agent/bin/tracehound-agent.mjs` (as k8s/base/agent.yaml runs it).
 * `root` is the source tree (this one, or an earlier commit's, see treeAt).
 */
export interface AgentLaunch {
  label: string;
  root: string;
  entry: 'cli' | 'agent';
  nodeOptions: string[];
  /** Environment variables of the agent process (e.g. glibc's MALLOC_* tunables). */
  env: Record<string, string>;
}

/**
 * Parses `label=entry[@git-rev] [NAME=value …] [node options]` items separated by `;`, e.g.
 * `before=cli@HEAD~3 --max-semi-space-size=4;now=agent MALLOC_ARENA_MAX=2 --max-semi-space-size=4`.
 */
export function parseLaunches(spec: string): AgentLaunch[] {
  return spec.split(';').map((s) => s.trim()).filter(Boolean).map((item) => {
    const m = /^([\w.-]+)=(cli|agent)(?:@(\S+))?\s*(.*)$/.exec(item);
    if (!m) throw new Error(`agent launch "${item}": expected label=cli|agent[@rev] [NAME=value …] [node options]`);
    const words = m[4]!.split(/\s+/).filter(Boolean);
    const isEnv = (w: string) => /^[A-Z_][A-Z0-9_]*=/.test(w);
    const env = Object.fromEntries(words.filter(isEnv).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
    return { label: m[1]!, entry: m[2] as 'cli' | 'agent', root: m[3] ? treeAt(m[3]) : ROOT, nodeOptions: words.filter((w) => !isEnv(w)), env };
  });
}

/**
 * The sources of an earlier commit in a temporary directory, running on this tree's installed
 * dependencies (its own workspace links), so the agent before a change can be measured in the
 * same run as the agent after it. The loader binary is always this tree's.
 */
export function treeAt(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), `th-tree-${rev.replace(/\W/g, '_')}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync('bash', ['-c', `git -C "${ROOT}" archive "${rev}" | tar -x -C "${dir}"`]);
  const nm = join(ROOT, 'node_modules');
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(nm)) {
    // Workspace links are relative, so copied as links they point into the earlier tree.
    if (name === '@tracehound') cpSync(join(nm, name), join(dir, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(join(nm, name), join(dir, 'node_modules', name));
  }
  samePatches(dir);
  for (const ws of ['packages', 'services', 'schemas']) {
    const base = join(ROOT, ws);
    const names = ws === 'schemas' ? [''] : readdirSync(base);
    for (const n of names) {
      const own = join(base, n, 'node_modules');
      if (existsSync(own) && existsSync(join(dir, ws, n))) symlinkSync(own, join(dir, ws, n, 'node_modules'));
    }
  }
  return dir;
}

/**
 * The installed packages carry this tree's patches (patches/, applied at install). A package
 * patched here whose patch differs in the earlier tree is copied into it, this tree's patch taken
 * back out and the earlier tree's applied, so an earlier commit runs with its own dependencies.
 */
function samePatches(dir: string): void {
  const here = join(ROOT, 'patches');
  if (!existsSync(here)) return;
  for (const file of readdirSync(here).filter((f) => f.endsWith('.patch'))) {
    const theirs = join(dir, 'patches', file);
    const patch = readFileSync(join(here, file));
    if (existsSync(theirs) && readFileSync(theirs).equals(patch)) continue;
    const name = file.slice(0, file.lastIndexOf('+')).replace('+', '/');
    if (name.startsWith('@')) {
      // The scope's folder is a link into this tree's install: made a folder of links first.
      const scope = name.split('/')[0]!;
      rmSync(join(dir, 'node_modules', scope), { force: true });
      mkdirSync(join(dir, 'node_modules', scope));
      for (const member of readdirSync(join(ROOT, 'node_modules', scope))) symlinkSync(join(ROOT, 'node_modules', scope, member), join(dir, 'node_modules', scope, member));
    }
    const target = join(dir, 'node_modules', name);
    rmSync(target, { force: true });
    cpSync(join(ROOT, 'node_modules', name), target, { recursive: true });
    execFileSync('patch', ['-R', '-p1', '-s', '-d', dir], { input: patch });
    if (existsSync(theirs)) execFileSync('patch', ['-p1', '-s', '-d', dir], { input: readFileSync(theirs) });
  }
}

export interface RunningAgent {
  child: ChildProcess;
  port: number;
  loader: number;
  /** Its data directory (spool), removed when it stops. */
  dataDir: string;
  /** Its topics' prefix: they are deleted when it stops. */
  prefix: string;
}

export async function startAgent(launch: AgentLaunch, port = 19464): Promise<RunningAgent> {
  const cfg = stackConfig();
  const script = launch.entry === 'cli' ? [join(launch.root, 'bin/tracehound.js'), 'agent'] : [join(launch.root, 'services/agent/bin/tracehound-agent.mjs')];
  const dataDir = mkdtempSync(join(tmpdir(), 'th-bench-'));
  const prefix = uniquePrefix('bench');
  const child = spawn(process.execPath, [...launch.nodeOptions, ...script], {
    cwd: launch.root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env, NODE_OPTIONS: '', TRACEHOUND_TOPIC_PREFIX: prefix, TRACEHOUND_AGENT_HTTP_PORT: String(port), TRACEHOUND_DATA_DIR: dataDir,
      TRACEHOUND_KAFKA_BROKERS: cfg.TRACEHOUND_KAFKA_BROKERS, TRACEHOUND_LOG_LEVEL: 'warn', TRACEHOUND_AGENT_LOADER: join(ROOT, 'bpf/.output/tracehound-loader'),
      ...launch.env,
    },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) {
        await new Promise((r) => setTimeout(r, 2_000)); // let start-up work settle
        return { child, port, loader: loaderPid(child.pid!) ?? 0, dataDir, prefix };
      }
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopAgent({ child, dataDir, prefix });
  throw new Error(`agent ${launch.label} did not become ready`);
}

export async function stopAgent({ child, dataDir, prefix }: Pick<RunningAgent, 'child' | 'dataDir' | 'prefix'>): Promise<void> {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
  const kafka = createKafka({ brokers: stackConfig().TRACEHOUND_KAFKA_BROKERS, clientId: 'bench-agent-cleanup', logger: silentLogger() });
  await deletePrefixTopics(kafka, prefix);
}

/** Publishing has caught up when the produced count stops moving (kernel drops never arrive). */
export async function settle(port: number, target = Infinity): Promise<number> {
  const published = () => metric(port, 'tracehound_kafka_produced_total');
  let last = -1;
  let lastAt = performance.now();
  for (let now = await published(); now < target && performance.now() - lastAt < 2_000; now = await published()) {
    if (now !== last) [last, lastAt] = [now, performance.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  return lastAt;
}
