import { Type } from '@sinclair/typebox';
import { CommonConfig, NotifierConfig, loadConfig } from '@tracehound/config';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain, startOpsServer } from '@tracehound/service';
import { buildNotifier } from './app.js';

/** `tracehound notifier`: the notifier as its own process. */
export async function main(): Promise<void> {
  const cfg = loadConfig(Type.Composite([CommonConfig, NotifierConfig]));
  const logger = createLogger('notifier', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();
  await runMain('notifier', logger, async () => {
    const app = buildNotifier(cfg, { logger });
    const ops = await startOpsServer({
      host: cfg.TRACEHOUND_NOTIFIER_HTTP_HOST,
      port: cfg.TRACEHOUND_NOTIFIER_HTTP_PORT,
      ready: app.ready,
      details: () => ({ routes: app.status(), route_errors: app.routeErrors().map((e) => ({ key: e.key, at: e.at, reason: e.reason })) }),
    });
    await app.start();
    return { close: async () => { await app.close(); await ops.close(); } };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
