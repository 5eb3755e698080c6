import { Type } from '@sinclair/typebox';
import { CommonConfig, DetectorConfig, loadConfig } from '@tracehound/config';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain, startOpsServer } from '@tracehound/service';
import { buildDetector } from './app.js';

/** `tracehound detector`: the detector as its own process. */
export async function main(): Promise<void> {
  const cfg = loadConfig(Type.Composite([CommonConfig, DetectorConfig]));
  const logger = createLogger('detector', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();
  await runMain('detector', logger, async () => {
    const app = buildDetector(cfg, { logger });
    const ops = await startOpsServer({
      host: cfg.TRACEHOUND_DETECTOR_HTTP_HOST,
      port: cfg.TRACEHOUND_DETECTOR_HTTP_PORT,
      ready: app.ready,
      details: () => ({ rules: app.store.set.rules.length, rule_errors: app.ruleErrors().map((e) => ({ key: e.key, at: e.at, reason: e.reason })), state_keys: app.detection.stateSizes() }),
    });
    await app.start();
    return { close: async () => { await app.close(); await ops.close(); } };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
