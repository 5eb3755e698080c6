import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TracehoundError } from '@tracehound/errors';
import type { SpawnSpec } from './component.js';
import type { LogOffsets } from './log-tail.js';

export interface Started {
  pid: number;
  /** Set when the process exits while this Node process still watches it. */
  exit?: { code: number | null; signal: string | null };
  /** Log sizes before the start, so a failure report shows only this start's lines. */
  since?: LogOffsets;
}

/**
 * Starts a long-running server that outlives this command: its own session (detached), output
 * appended to a log file, not waited for (unref). Ctrl-C on `tracehound stack up` therefore
 * does not take Kafka down with it; `stack down` does.
 */
export function spawnDetached(spec: SpawnSpec, outFile: string): Started {
  const fd = openSync(outFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new TracehoundError('TH_ERR_STACK', `could not start ${spec.command}`);
    const started: Started = { pid: child.pid };
    child.on('exit', (code, signal) => {
      started.exit = { code, signal };
    });
    child.on('error', () => undefined); // reported through `exit` and the liveness checks
    child.unref();
    return started;
  } finally {
    closeSync(fd);
  }
}

/** The argv of a live process; empty when it is gone or a zombie. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Whether `pid` is alive and is the process this stack started (its argv carries `marker`). */
export function isOurs(pid: number, marker: string): boolean {
  return commandLine(pid).includes(marker);
}

/** False when the process is already gone (it may exit between our check and the signal). */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export type StopOutcome = 'terminated' | 'killed' | 'gone';

/**
 * SIGTERM lets Kafka close its logs cleanly (a fast restart later) and the registry flush; after
 * the grace period SIGKILL. Each signal goes only to a pid whose argv still carries the marker.
 */
export async function stopProcess(pid: number, marker: string, graceMs: number): Promise<StopOutcome> {
  if (!isOurs(pid, marker)) return 'gone';
  if (!signal(pid, 'SIGTERM')) return 'terminated';
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isOurs(pid, marker)) return 'terminated';
    await sleep(100);
  }
  if (!isOurs(pid, marker)) return 'terminated';
  signal(pid, 'SIGKILL');
  while (isOurs(pid, marker)) await sleep(50);
  return 'killed';
}
