import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';

const TASKS = '/proc/self/task';
const INTERVAL_MS = 1_000;

/**
 * Node's own threads: JavaScript (the main thread, each worker), V8's helpers and libuv's pool.
 * A thread takes its creator's name until it sets one; the embedded engine names every thread
 * it starts after its task (MergeMutate, BgSchPool, QueryPipelineEx, ThreadPool, …).
 */
export const isNodeThread = (comm: string): boolean => /^(node|v8|libuv)/i.test(comm);

export interface ThreadStat { tid: number; comm: string; nice: number }

/** A thread's name and nice value from /proc/self/task/<tid>/stat; undefined once it has ended. */
function threadStat(tid: string): ThreadStat | undefined {
  let s: string;
  try {
    s = readFileSync(`${TASKS}/${tid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = s.lastIndexOf(')');
  // After the name: state, ppid, … ; nice is the 19th field of the line, the 17th after ")".
  const rest = s.slice(close + 2).split(' ');
  return { tid: Number(tid), comm: s.slice(s.indexOf('(') + 1, close), nice: Number(rest[16]) };
}

/** Every thread of this process still running; throws when /proc has no per-thread view. */
export function processThreads(): ThreadStat[] {
  return readdirSync(TASKS).flatMap((tid) => threadStat(tid) ?? []);
}

/**
 * Sets one thread's nice value; false when the thread has ended meanwhile (the engine's threads
 * come and go). Node reports that as ERR_SYSTEM_ERROR with the errno name in `info.code`.
 */
export function lowerThread(tid: number, nice: number): boolean {
  try {
    setPriority(tid, nice);
    return true;
  } catch (err) {
    if ((err as { info?: { code?: string } }).info?.code === 'ESRCH') return false;
    throw err;
  }
}

export interface EnginePriority {
  /** The nice value the engine's threads get: the process's own plus the steps asked for, at most 19. */
  readonly nice: number;
  /** Threads lowered so far (a thread counts once per time its nice value was found reset). */
  readonly lowered: number;
  stop(): void;
}

/**
 * In the all-in-one process, the embedded ClickHouse engine's threads (inserts, merges, its
 * background pools) run at a lower CPU priority than the JavaScript threads, so that when the
 * cores are full, enrichment and detection go first and storage takes what is left: an alert
 * does not wait behind a merge, and stored events catch up when the load falls (consumption
 * waits in Kafka, nothing is lost). Linux sets nice values per thread, and the engine starts
 * threads as it needs them, so a pass every second lowers the new ones. Lowering a priority
 * needs no privilege. `steps` is relative to the process's own nice value, so a platform started
 * with `nice` keeps the same order inside. Not used with a remote ClickHouse.
 */
export function lowerEngineThreads(steps: number, logger: Logger): EnginePriority {
  const nice = Math.min(19, getPriority() + steps);
  let lowered = 0;
  let failed = false;
  const apply = () => {
    if (failed) return;
    let threads: ThreadStat[];
    try {
      threads = processThreads();
    } catch (err) {
      failed = true;
      logger.warn({ err: errorMessage(err) }, `engine threads keep their priority: ${TASKS} cannot be read`);
      return;
    }
    for (const { tid, comm, nice: now } of threads) {
      if (isNodeThread(comm) || now >= nice) continue;
      try {
        if (lowerThread(tid, nice)) lowered++;
      } catch (err) {
        // Anything but a thread gone will not change: stop trying.
        failed = true;
        logger.warn({ err: errorMessage(err), tid }, 'engine threads keep their priority: setpriority refused');
        return;
      }
    }
  };
  apply();
  const timer = setInterval(apply, INTERVAL_MS).unref();
  return {
    nice,
    get lowered() {
      return lowered;
    },
    stop: () => clearInterval(timer),
  };
}

export interface MainThreadPriority {
  /** The main thread's nice value now. */
  readonly nice: number;
  /** Gives the main thread its nice value back (possible for root only; otherwise it stays). */
  restore(): void;
}

/**
 * In the all-in-one process with worker threads, the main JavaScript thread hosts the sink and
 * the API; the enricher and the detector run on worker threads. Lowering the main thread `steps`
 * below them means that when the cores are full, events are enriched and rules evaluated first,
 * and storing them and answering queries take what is left (the embedded engine's threads run
 * lower still). Call it once every worker has started: a thread starts with its creator's nice
 * value, and workers must keep theirs.
 */
export function lowerMainThread(steps: number): MainThreadPriority {
  const before = getPriority(process.pid);
  const nice = Math.min(19, before + steps);
  setPriority(process.pid, nice);
  return {
    nice,
    restore: () => {
      try {
        setPriority(process.pid, before);
      } catch {
        // Raising a priority again needs privilege: without it the thread stays where it is.
      }
    },
  };
}
