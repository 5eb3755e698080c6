import { readlinkSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { lineLogger } from '@tracehound/logging';
import { registry } from '@tracehound/metrics';
import type { Running, ThreadableService } from '../hosted/types.js';
import { errorData, type FromWorker, type ToWorker, type WorkerData } from './protocol.js';

/**
 * Runs in a worker thread: imports one hosted entry from its own module, starts it on the
 * configuration it was given, and answers the main thread (status, metrics, close). Logs go to
 * the main thread's logger, line by line.
 */
const port = parentPort!;
const data = workerData as WorkerData;
const post = (m: FromWorker) => port.postMessage(m);
const logger = lineLogger(data.level, (line) => post({ type: 'log', line }));

/** The Linux thread id, so that per-thread CPU in /proc can be told apart (all of the process's threads are named "node"). */
function linuxTid(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

function findEntry(exports: Record<string, unknown>): ThreadableService | undefined {
  return Object.values(exports).find((v): v is ThreadableService => {
    const s = v as Partial<ThreadableService> | null;
    return typeof s === 'object' && s !== null && s.name === data.name && s.module === data.module && typeof s.start === 'function';
  });
}

const status = (app: Running) => ({ ready: app.ready(), details: app.details() });

async function main(): Promise<void> {
  let app: Running;
  try {
    const entry = findEntry(await import(data.module) as Record<string, unknown>);
    if (!entry) throw new Error(`${data.module} exports no hosted service named ${data.name}`);
    const started = await entry.start({ cfg: data.cfg, logger });
    if ('skipped' in started) {
      post({ type: 'skipped', reason: started.skipped });
      port.close();
      return;
    }
    app = started;
  } catch (err) {
    post({ type: 'failed', error: errorData(err) });
    port.close();
    return;
  }
  const tid = linuxTid();
  post({ type: 'started', threadId, ...(tid ? { tid } : {}), ...status(app) });
  const timer = setInterval(() => post({ type: 'status', ...status(app) }), data.statusEveryMs);
  timer.unref();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'metrics') {
      void registry.getMetricsAsJSON().then((metrics) => post({ type: 'metrics', id: m.id, metrics }));
      return;
    }
    clearInterval(timer);
    void app.close().then(
      () => post({ type: 'closed' }),
      (err: unknown) => post({ type: 'closed', error: errorData(err) }),
    ).finally(() => port.close());
  });
}

await main();
