import { createClickHouse, storageFromConfig, type ClickHouseClient } from '@tracehound/clickhouse';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import type { PlatformSettings } from './config.js';
import { HOSTED } from './hosted/index.js';
import type { HostContext, HostedService, Running, Skipped } from './hosted/types.js';
import { lowerEngineThreads, lowerMainThread, type MainThreadPriority } from './threads/engine-priority.js';
import { startInWorker, type ThreadRunning } from './threads/worker-host.js';

/** chDB allows one process per data dir: a second one gets a message naming the way out, not a lock-file error. */
function openClickHouse(o: ReturnType<typeof storageFromConfig>['client']) {
  try {
    return createClickHouse(o);
  } catch (err) {
    if ((err as { code?: string }).code !== 'CHDB_CONNECTION') throw err;
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_DATA_DIR: the embedded ClickHouse under ${o.dataDir} is in use by another process (one process per data dir: a running \`tracehound up\`, \`api\` or \`sink\`); stop it, or use another data dir or TRACEHOUND_CLICKHOUSE_URL`, { cause: err });
  }
}

export interface PlatformDeps {
  logger: Logger;
  /** Called once, at the very first start of this data dir, with the first admin's generated password. */
  onFirstAdmin?: (user: string, password: string) => void;
  /** Defaults to HOSTED; tests and benchmarks may host fewer. */
  services?: HostedService[];
}

export interface ServiceState {
  name: string;
  state: 'running' | 'skipped';
  /** Why a skipped service did not start. */
  reason?: string;
  /** The worker_threads threadId it runs on (0: the main thread). */
  threadId?: number;
  /** The Linux thread id of its worker thread (per-thread CPU in /proc/<pid>/task/<tid>). */
  tid?: number;
}

export interface Platform {
  /** The API's base URL (and the web UI's). */
  readonly url: string;
  readonly services: ServiceState[];
  /** The one ClickHouse client every hosted service shares (benchmarks and tests read through it too). */
  readonly clickhouse: ClickHouseClient;
  ready(): boolean;
  details(): Record<string, Record<string, unknown>>;
  /** Stops every hosted service in reverse start order, then closes ClickHouse (once; later calls wait for the same). */
  close(): Promise<void>;
  /**
   * Settles if a service in a worker thread dies while running: the reason, once the rest has
   * been stopped in reverse order (in one process its uncaught error would have ended them all).
   */
  readonly failure: Promise<Error>;
}

/** Starts one entry on the main thread, or in a worker thread when it can run there and threads are on. */
function startOne(service: HostedService, ctx: HostContext): Promise<Running | ThreadRunning | Skipped> {
  if (service.module === undefined || ctx.cfg.TRACEHOUND_UP_THREADS === 'one') return service.start(ctx);
  return startInWorker(service, { cfg: ctx.cfg, logger: ctx.logger, youngMb: ctx.cfg.TRACEHOUND_UP_WORKER_YOUNG_MB });
}

/**
 * The all-in-one process: every hosted service started from its own app in one Node process,
 * on one configuration, one logger and one ClickHouse client. If a service fails to start, the
 * ones already running are stopped again and the error is thrown: nothing is left half-started.
 */
export async function startPlatform(cfg: PlatformSettings, deps: PlatformDeps): Promise<Platform> {
  const storage = storageFromConfig(cfg);
  const clickhouse = openClickHouse(storage.client);
  const embedded = !storage.client.url;
  const engine = embedded && cfg.TRACEHOUND_UP_ENGINE_NICE > 0 ? lowerEngineThreads(cfg.TRACEHOUND_UP_ENGINE_NICE, deps.logger) : undefined;
  const running: Array<{ name: string; app: Running }> = [];
  const services: ServiceState[] = [];
  let closing: Promise<void> | undefined;
  let main: MainThreadPriority | undefined;
  const closeAll = () => (closing ??= (async () => {
    for (const { name, app } of [...running].reverse()) {
      const t0 = Date.now();
      await app.close().catch((err: unknown) => deps.logger.warn({ err }, `${name} close: ${errorMessage(err)}`));
      deps.logger.info({ service: name, ms: Date.now() - t0 }, `${name} stopped`);
    }
    running.length = 0;
    engine?.stop();
    main?.restore();
    await clickhouse.close();
  })());
  let failed: (err: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => (failed = resolve));
  let crashed: Error | undefined;
  let allStarted = false;
  const onCrash = (name: string, err: Error) => {
    if (closing || crashed) return;
    crashed = err;
    // While starting, the start loop throws it and stops what runs.
    if (!allStarted) return;
    deps.logger.error({ service: name }, `${err.message}; stopping the other services`);
    void closeAll().then(() => failed(err));
  };
  try {
    for (const service of deps.services ?? HOSTED) {
      const logger = deps.logger.child({ component: service.name });
      const started = await startOne(service, { cfg, logger, clickhouse, ddl: storage.ddl, onFirstAdmin: (u, p) => deps.onFirstAdmin?.(u, p) });
      if ('skipped' in started) {
        deps.logger.warn({ service: service.name, reason: started.skipped }, `${service.name} not started: ${started.skipped}; the rest runs`);
        services.push({ name: service.name, state: 'skipped', reason: started.skipped });
        continue;
      }
      running.push({ name: service.name, app: started });
      const thread = 'threadId' in started ? { threadId: started.threadId, ...(started.tid ? { tid: started.tid } : {}) } : { threadId: 0 };
      services.push({ name: service.name, state: 'running', ...thread });
      if ('failed' in started) void started.failed.then((err) => onCrash(service.name, err));
      if (crashed) throw crashed;
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  allStarted = true;
  // Only when some service runs on a worker (never with TRACEHOUND_UP_THREADS=one): else detection shares this thread.
  if (cfg.TRACEHOUND_UP_STORAGE_NICE > 0 && services.some((s) => s.threadId)) {
    try {
      main = lowerMainThread(cfg.TRACEHOUND_UP_STORAGE_NICE);
      deps.logger.info({ nice: main.nice }, `main thread (sink, API) at nice ${main.nice}, ${cfg.TRACEHOUND_UP_STORAGE_NICE} below the worker threads (TRACEHOUND_UP_STORAGE_NICE): enrichment and detection go first when the cores are full`);
    } catch (err) {
      deps.logger.warn({ err: errorMessage(err) }, 'the main thread keeps its priority: setpriority refused');
    }
  }
  if (engine) deps.logger.info({ nice: engine.nice, lowered: engine.lowered }, `embedded ClickHouse threads at nice ${engine.nice}, ${cfg.TRACEHOUND_UP_ENGINE_NICE} below the rest (TRACEHOUND_UP_ENGINE_NICE): enrichment and detection go first when the cores are full`);
  const api = running.find((r) => r.name === 'api');
  return {
    url: String(api?.app.details().url ?? ''),
    services,
    clickhouse,
    ready: () => !crashed && running.every((r) => r.app.ready()),
    details: () => Object.fromEntries(running.map((r) => [r.name, r.app.details()])),
    close: closeAll,
    failure,
  };
}
