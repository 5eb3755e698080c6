import { loadConfig, type Environment } from '@tracehound/config';
import { loadKubeSettings } from '@tracehound/kube';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain } from '@tracehound/service';
import { loadStackSettings, withStorage } from '@tracehound/stack';
import { startPlatform, type Platform } from './app.js';
import { PlatformProcessConfig } from './config.js';
import { assertPortsFree, assertWritableDir, claimDataDir } from './preflight.js';
import { ensureLocalKube, ensureStack, type Started } from './stack-control.js';

export interface UpOptions {
  /** Command-line flags as variables; they win over the environment. */
  overrides?: Record<string, string>;
  env?: Environment;
  /** Where the banner goes (default stdout). */
  out?: (text: string) => void;
}

/** The banner `up` prints once everything runs. */
export function banner(p: Platform, beside: string[], admin: { user: string; password: string } | undefined): string {
  const lines = [
    '',
    `Tracehound is up — UI and API: ${p.url}  (OpenAPI: ${p.url}/docs)`,
    ...beside.map((l) => `  ${l}`),
    ...p.services.map((s) => `  ${s.name.padEnd(14)} ${s.state === 'running' ? `running${s.threadId ? ` (worker thread ${s.threadId})` : ''}` : `not started: ${s.reason}`}`),
    admin
      ? `First admin created — user ${admin.user}, password ${admin.password}\n  (shown only now; change it with PATCH /api/v1/users/${admin.user})`
      : 'Users exist already (the first admin was printed at the first start).',
    'Ctrl-C stops everything this command started.',
    '',
  ];
  return lines.join('\n');
}

/**
 * `tracehound up`: checks what it can before starting anything (data dir, ports, one run per
 * data dir), starts the stack when none answers (and the local Kubernetes API server when
 * asked), then hosts every service in this process. A failure at any step stops what earlier
 * steps started and throws one clear error; Ctrl-C stops it all, in reverse.
 */
export async function up(o: UpOptions = {}): Promise<void> {
  const env = o.env ?? undefined;
  const cfg = loadConfig(PlatformProcessConfig, env, o.overrides ?? {});
  const out = o.out ?? ((s: string) => process.stdout.write(s));
  const logger = createLogger('tracehound', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();

  const dataDir = assertWritableDir(cfg.TRACEHOUND_DATA_DIR);
  await assertPortsFree([
    { port: cfg.TRACEHOUND_API_PORT, what: 'the API and UI', variable: 'TRACEHOUND_API_PORT' },
    ...(cfg.TRACEHOUND_UP_AGENT === 'auto' ? [{ port: cfg.TRACEHOUND_AGENT_HTTP_PORT, what: "the agent's /healthz and /metrics", variable: 'TRACEHOUND_AGENT_HTTP_PORT' }] : []),
  ]);
  const claim = claimDataDir(dataDir);
  if (claim.stale) logger.warn({ pid: claim.stale, left: claim.left }, `a previous run (pid ${claim.stale}) did not stop cleanly; its pid file was removed, and what it started (${[...claim.left.stack, ...claim.left.kube].join(', ') || 'nothing'}) is stopped at exit if still running`);

  const beside: Started[] = [];
  let undone: Promise<void> | undefined;
  const undo = () => (undone ??= (async () => {
    for (const s of [...beside].reverse()) await s.stop().catch((err: unknown) => logger.warn({ err }, 'stop failed'));
    claim.release();
  })());
  let platform: Platform;
  let admin: { user: string; password: string } | undefined;
  try {
    // Schemas kept in Kafka (kafkasql), so records written before a restart still decode after it.
    const stack = await ensureStack({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, registryUrl: cfg.TRACEHOUND_REGISTRY_URL, settings: withStorage(loadStackSettings(env), 'kafkasql'), logger, adopt: claim.left.stack });
    beside.push(stack);
    claim.record({ stack: stack.names, kube: [] });
    let hosted = cfg;
    if (!cfg.TRACEHOUND_KUBECONFIG && cfg.TRACEHOUND_UP_LOCAL_KUBE) {
      const kube = await ensureLocalKube(loadKubeSettings(env), claim.left.kube);
      beside.push(kube);
      claim.record({ stack: stack.names, kube: kube.names });
      hosted = { ...cfg, TRACEHOUND_KUBECONFIG: kube.kubeconfig };
    }
    platform = await startPlatform(hosted, { logger, onFirstAdmin: (user, password) => (admin = { user, password }) });
  } catch (err) {
    await undo();
    throw err;
  }
  out(banner(platform, beside.flatMap((s) => s.lines), admin));
  // A service that dies in its worker thread has stopped the others; what `up` started beside goes too.
  void platform.failure.then(async (err) => {
    logger.fatal({ err }, `tracehound stopped: ${err.message}`);
    process.exitCode = 1;
    await undo();
  });
  await runMain('tracehound', logger, async () => ({
    async close() {
      await platform.close();
      await undo();
    },
    // Five services, each leaving its consumer group, then perhaps the stack's JVMs: more than one service's grace.
  }), 90_000);
}
