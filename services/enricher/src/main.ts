import { pathToFileURL } from 'node:url';
import { loadConfig, type Environment } from '@tracehound/config';
import { waitForKafka } from '@tracehound/kafka';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain, startOpsServer } from '@tracehound/service';
import { EnricherServiceConfig, createEnricher } from './app.js';

/** `tracehound enricher`: owns the process — config, logger, ops server, signals. */
export async function main(env?: Environment): Promise<void> {
  const cfg = loadConfig(EnricherServiceConfig, env);
  const logger = createLogger('enricher', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();
  await runMain('enricher', logger, async () => {
    await waitForKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: cfg.TRACEHOUND_KAFKA_CLIENT_ID, logger });
    const app = createEnricher(cfg, { logger });
    // The ops server first: /healthz answers (not ready) while the first list is running.
    const ops = await startOpsServer({ host: cfg.TRACEHOUND_ENRICHER_HTTP_HOST, port: cfg.TRACEHOUND_ENRICHER_HTTP_PORT, ready: app.ready, details: app.details });
    try {
      await app.start();
    } catch (err) {
      await ops.close();
      await app.close().catch(() => undefined);
      throw err;
    }
    return {
      async close() {
        await app.close();
        await ops.close();
      },
    };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
