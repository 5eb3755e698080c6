import { Worker } from 'node:worker_threads';
import { ERROR_CODES, TracehoundError, type ErrorCode } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { addMetricsSource, type MetricsJson } from '@tracehound/metrics';
import type { PlatformSettings } from '../config.js';
import type { Running, Skipped, ThreadableService } from '../hosted/types.js';
import type { ErrorData, FromWorker, Status, ToWorker, WorkerData } from './protocol.js';

const BOOT = new URL('./worker-boot.js', import.meta.url);

export interface WorkerOptions {
  cfg: PlatformSettings;
  /** The service's logger: the worker's log lines are written through it. */
  logger: Logger;
  /** Young-generation heap of the worker in MiB; 0 leaves V8's default. */
  youngMb: number;
  statusEveryMs?: number;
  /** How long a closed worker may take to exit before it is terminated. */
  exitGraceMs?: number;
  metricsTimeoutMs?: number;
}

/** A service running in a worker thread. */
export interface ThreadRunning extends Running {
  threadId: number;
  /** The Linux thread id of the worker's JS thread. */
  tid?: number;
  /** Settles, with the reason, if the worker dies while running (not when it is closed). */
  failed: Promise<Error>;
}

/** An error from the worker, rebuilt with its code so it reads as it would have on this thread. */
function rebuild(name: string, e: ErrorData): Error {
  const err = e.code && e.code in ERROR_CODES
    ? new TracehoundError(e.code as ErrorCode, e.message, e.retriable === undefined ? {} : { retriable: e.retriable })
    : new Error(e.message);
  if (e.stack) err.stack = `${e.stack}\n    (in the worker thread of ${name})`;
  return err;
}

/** Writes a worker's JSON log line through this thread's logger, keeping its level and fields. */
function relay(logger: Logger, line: string): void {
  try {
    const { level, time: _time, msg, ...fields } = JSON.parse(line) as { level: number; time?: number; msg?: string };
    const label = (logger.levels.labels[level] ?? 'info') as 'info';
    logger[label](fields, msg);
  } catch {
    logger.info(line.trimEnd());
  }
}

/**
 * Starts a hosted entry in its own worker thread: the worker imports the entry's module and
 * starts it from the service's own app, on the same configuration. Resolves once the service
 * runs (or was skipped); rejects with the service's own error if it fails to start, the worker
 * having exited. Its metrics join the process registry's while it runs.
 */
export function startInWorker(service: ThreadableService, o: WorkerOptions): Promise<ThreadRunning | Skipped> {
  const data: WorkerData = { module: service.module, name: service.name, cfg: o.cfg, level: o.logger.level as WorkerData['level'], statusEveryMs: o.statusEveryMs ?? 1_000 };
  const worker = new Worker(BOOT, { workerData: data, name: service.name, ...(o.youngMb ? { resourceLimits: { maxYoungGenerationSizeMb: o.youngMb } } : {}) });
  const send = (m: ToWorker) => worker.postMessage(m);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const exitOrTerminate = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), o.exitGraceMs ?? 10_000)));
    const how = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (how === 'late') {
      o.logger.warn(`${service.name}: its worker thread had not exited ${o.exitGraceMs ?? 10_000} ms after closing; terminated`);
      await worker.terminate();
    }
  };

  let phase: 'starting' | 'running' | 'closing' | 'failed' = 'starting';
  let status: Status = { ready: false, details: {} };
  let onFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (onFailure = resolve));
  let removeSource: () => void = () => undefined;
  let nextId = 0;
  const pending = new Map<number, (m: MetricsJson) => void>();
  let closed: (e?: ErrorData) => void = () => undefined;

  const metrics = () => new Promise<MetricsJson>((resolve) => {
    if (phase !== 'running') return resolve([]);
    const id = nextId++;
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve([]);
    }, o.metricsTimeoutMs ?? 2_000);
    pending.set(id, (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    send({ type: 'metrics', id });
  });

  const crash = (reason: string) => {
    if (phase !== 'running') return;
    phase = 'failed';
    removeSource();
    for (const resolve of pending.values()) resolve([]);
    onFailure(new Error(`${service.name} failed in its worker thread: ${reason}`));
  };

  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      if (phase !== 'starting') return;
      phase = 'failed';
      void exitOrTerminate().then(() => reject(err));
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'log':
          return relay(o.logger, m.line);
        case 'status':
          status = { ready: m.ready, details: m.details };
          return;
        case 'metrics':
          return pending.get(m.id)?.(m.metrics);
        case 'closed':
          return closed(m.error);
        case 'failed':
          return fail(rebuild(service.name, m.error));
        case 'skipped':
          phase = 'closing';
          return void exitOrTerminate().then(() => resolve({ skipped: m.reason }));
        case 'started':
          phase = 'running';
          status = { ready: m.ready, details: m.details };
          removeSource = addMetricsSource(metrics);
          return resolve({
            threadId: m.threadId,
            ...(m.tid ? { tid: m.tid } : {}),
            failed,
            ready: () => phase === 'running' && status.ready,
            details: () => status.details,
            close: async () => {
              if (phase !== 'running') return void (await exitOrTerminate());
              phase = 'closing';
              removeSource();
              const done = new Promise<ErrorData | undefined>((r) => (closed = r));
              send({ type: 'close' });
              const error = await Promise.race([done, exited.then(() => undefined)]);
              await exitOrTerminate();
              if (error) throw rebuild(service.name, error);
            },
          });
      }
    });
    worker.on('error', (err) => {
      fail(new Error(`${service.name} failed in its worker thread: ${err.message}`, { cause: err }));
      crash(err.message);
    });
    worker.on('exit', (code) => {
      fail(new Error(`${service.name}: its worker thread exited (code ${code}) before the service started`));
      crash(`the worker thread exited (code ${code})`);
    });
  });
}
