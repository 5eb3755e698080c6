import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TracehoundError } from '@tracehound/errors';
import { assertPortFree, commandLine, readPid, removePid, writePid } from '@tracehound/stack';

/** Checks, before anything starts, that the data dir can be written; names the variable when not. */
export function assertWritableDir(dir: string): string {
  const abs = resolve(dir);
  const probe = join(abs, `.write-test-${process.pid}`);
  try {
    mkdirSync(abs, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_DATA_DIR: ${abs} is not a writable directory (${e.code ?? e.message}); choose another with TRACEHOUND_DATA_DIR`, { cause: err });
  }
  return abs;
}

/** What an `up` started beside itself, kept in the data dir so a run after a crash can stop it too. */
export interface StartedBeside {
  stack: string[];
  kube: string[];
}

export interface DataDirClaim {
  /** The pid of a previous run that did not stop cleanly, whose pid file was removed. */
  stale?: number;
  /** What that crashed run had started (its stack and kube components); empty otherwise. */
  left: StartedBeside;
  /** Records what this run started beside itself. */
  record(started: StartedBeside): void;
  release(): void;
}

function readLedger(file: string): StartedBeside {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<StartedBeside>;
    return { stack: Array.isArray(v.stack) ? v.stack.map(String) : [], kube: Array.isArray(v.kube) ? v.kube.map(String) : [] };
  } catch {
    return { stack: [], kube: [] };
  }
}

const isUp = (pid: number) => {
  const argv = commandLine(pid);
  return argv.some((a) => /tracehound(\.js)?$/.test(a)) && argv.includes('up');
};

/**
 * One `tracehound up` per data dir: a pid file under run/. A live owner is an error naming its
 * pid; a pid file left by a crashed run is removed (chDB's own lock dies with its process).
 */
export function claimDataDir(dataDir: string, pid = process.pid): DataDirClaim {
  const file = join(dataDir, 'run', 'platform.pid');
  const previous = readPid(file);
  if (previous !== undefined && previous !== pid && isUp(previous)) {
    throw new TracehoundError('TH_ERR_CONFLICT', `tracehound up already runs on ${dataDir} (pid ${previous}); stop it (Ctrl-C there, or kill ${previous}) or use another TRACEHOUND_DATA_DIR`);
  }
  const ledger = join(dataDir, 'run', 'platform-started.json');
  const stale = previous !== undefined && previous !== pid;
  const left = stale ? readLedger(ledger) : { stack: [], kube: [] };
  if (previous !== undefined) removePid(file);
  writePid(file, pid);
  return {
    ...(stale ? { stale: previous } : {}),
    left,
    record: (started) => writeFileSync(ledger, `${JSON.stringify(started)}\n`),
    release: () => {
      if (readPid(file) !== pid) return;
      rmSync(ledger, { force: true });
      removePid(file);
    },
  };
}

/** Fails fast, naming the port and its variable, when something already listens there (port 0 is always free). */
export async function assertPortsFree(uses: Array<{ port: number; what: string; variable: string }>): Promise<void> {
  for (const use of uses.filter((u) => u.port !== 0)) await assertPortFree(use);
}
