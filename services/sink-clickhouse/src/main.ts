import { createClickHouse, describeTarget, storageFromConfig } from '@tracehound/clickhouse';
import { ClickHouseConfig, CommonConfig, RetentionConfig, SinkConfig, loadConfig } from '@tracehound/config';
import { createKafka, waitForKafka } from '@tracehound/kafka';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain, startOpsServer } from '@tracehound/service';
import { Type } from '@sinclair/typebox';
import { buildSink } from './app.js';
import { sinkOptions } from './options.js';

export const SinkProcessConfig = Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, SinkConfig]);

/** `tracehound sink`: the process around the sink app (config, ClickHouse client, ops server, signals). */
export async function main(): Promise<void> {
  const cfg = loadConfig(SinkProcessConfig);
  const logger = createLogger('sink-clickhouse', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();
  await runMain('sink-clickhouse', logger, async () => {
    const storage = storageFromConfig(cfg);
    logger.info({ clickhouse: describeTarget(storage.client) }, 'starting');
    const kafkaOptions = { brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-sink`, logger };
    await waitForKafka(kafkaOptions);
    const clickhouse = createClickHouse(storage.client);
    const sink = buildSink(sinkOptions(cfg, { kafka: createKafka(kafkaOptions), clickhouse, ddl: storage.ddl, logger }));
    await sink.start();
    const ops = await startOpsServer({ host: cfg.TRACEHOUND_SINK_HTTP_HOST, port: cfg.TRACEHOUND_SINK_HTTP_PORT, ready: sink.ready, details: sink.details });
    return {
      async close() {
        await ops.close();
        await sink.close();
        await clickhouse.close();
      },
    };
  });
}
