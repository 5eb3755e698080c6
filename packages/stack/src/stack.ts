import { mkdir } from 'node:fs/promises';
import { TracehoundError } from '@tracehound/errors';
import type { Component } from './component.js';
import { kafkaComponent } from './kafka.js';
import { logOffsets } from './log-tail.js';
import { readPid, removePid, writePid } from './pid-file.js';
import { assertPortFree, portAnswers } from './ports.js';
import { commandLine, isOurs, spawnDetached, stopProcess, type StopOutcome } from './process.js';
import { registryComponent } from './registry.js';
import { layout, type StackSettings } from './settings.js';
import { checkJava } from './tools.js';
import { waitReady } from './wait-ready.js';

/** Start order; `down` goes in reverse. Kafka comes first because a kafkasql registry needs it. */
export const COMPONENTS: Array<(s: StackSettings) => Component> = [kafkaComponent, registryComponent];

export interface ComponentUp {
  name: string;
  pid: number;
  endpoint: string;
  logFiles: string[];
  action: 'started' | 'reused';
  ms: number;
}

export interface UpResult {
  dataDir: string;
  cacheDir: string;
  components: ComponentUp[];
}

/** The pid of a running component this data dir started, after dropping a stale pid file. */
function runningPid(s: StackSettings, c: Component): number | undefined {
  const file = layout(s).pidFile(c.name);
  const pid = readPid(file);
  if (pid !== undefined && isOurs(pid, c.marker)) return pid;
  removePid(file);
  return undefined;
}

/**
 * Starts what is not running and reuses what is: a component counts as running when its pid
 * file names a live process carrying its marker and it answers its protocol. If a start fails,
 * whatever this call started is stopped again, so a failed `up` leaves things as they were.
 */
export async function stackUp(s: StackSettings): Promise<UpResult> {
  await checkJava(s.java);
  const dirs = layout(s);
  await Promise.all([mkdir(dirs.logs, { recursive: true }), mkdir(dirs.run, { recursive: true })]);
  const plan = COMPONENTS.map((make) => make(s)).map((c) => ({ c, pid: runningPid(s, c) }));
  for (const { c, pid } of plan) {
    if (pid !== undefined && !commandLine(pid).includes(c.fingerprint)) {
      throw new TracehoundError('TH_ERR_STACK', `${c.name} (pid ${pid}) runs with other settings than requested now (version, ports, heap or storage); run \`tracehound stack down\` first`);
    }
  }
  // Every port is checked before anything starts, so a taken port costs no JVM start-up.
  for (const { c } of plan.filter((p) => p.pid === undefined)) {
    for (const use of c.ports) await assertPortFree(use);
  }
  const result: UpResult = { dataDir: s.dataDir, cacheDir: s.cacheDir, components: [] };
  const startedNow: Component[] = [];
  try {
    for (const { c, pid } of plan) {
      const t0 = Date.now();
      if (pid !== undefined) {
        await waitReady(c, { pid }, s.startTimeoutMs);
        result.components.push({ name: c.name, pid, endpoint: c.endpoint, logFiles: c.logFiles, action: 'reused', ms: Date.now() - t0 });
        continue;
      }
      const spec = await c.prepare();
      const since = logOffsets(c.logFiles);
      const started = spawnDetached(spec, c.outFile);
      started.since = since;
      writePid(dirs.pidFile(c.name), started.pid);
      startedNow.push(c);
      await waitReady(c, started, s.startTimeoutMs);
      result.components.push({ name: c.name, pid: started.pid, endpoint: c.endpoint, logFiles: c.logFiles, action: 'started', ms: Date.now() - t0 });
    }
  } catch (err) {
    for (const c of startedNow.reverse()) await stopComponent(s, c);
    throw err;
  }
  return result;
}

export interface ComponentDown {
  name: string;
  pid?: number;
  outcome: StopOutcome | 'not running' | 'stale pid file removed';
}

async function stopComponent(s: StackSettings, c: Component): Promise<ComponentDown> {
  const file = layout(s).pidFile(c.name);
  const pid = readPid(file);
  if (pid === undefined) {
    removePid(file);
    return { name: c.name, outcome: 'not running' };
  }
  const outcome = isOurs(pid, c.marker) ? await stopProcess(pid, c.marker, s.stopGraceMs) : 'stale pid file removed';
  removePid(file);
  return { name: c.name, pid, outcome };
}

/**
 * Stops exactly the processes `up` recorded in pid files of this data dir, registry first;
 * `only` limits it to the named components (those one caller started).
 */
export async function stackDown(s: StackSettings, only?: readonly string[]): Promise<ComponentDown[]> {
  const out: ComponentDown[] = [];
  for (const make of [...COMPONENTS].reverse()) {
    const c = make(s);
    if (!only || only.includes(c.name)) out.push(await stopComponent(s, c));
  }
  return out;
}

export interface ComponentStatus {
  name: string;
  state: 'running' | 'stopped' | 'stale pid file';
  pid?: number;
  /** For a running component: whether its first port accepts connections. */
  answering?: boolean;
  endpoint: string;
  logFiles: string[];
}

/** Reads state only: changes nothing, not even a stale pid file. */
export async function stackStatus(s: StackSettings): Promise<ComponentStatus[]> {
  return Promise.all(COMPONENTS.map(async (make) => {
    const c = make(s);
    const pid = readPid(layout(s).pidFile(c.name));
    const base = { name: c.name, endpoint: c.endpoint, logFiles: c.logFiles };
    if (pid === undefined) return { ...base, state: 'stopped' as const };
    if (!isOurs(pid, c.marker)) return { ...base, state: 'stale pid file' as const, pid };
    const port = c.ports[0]?.port;
    return { ...base, state: 'running' as const, pid, answering: port === undefined ? false : await portAnswers(port) };
  }));
}
