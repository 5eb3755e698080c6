import { Type } from '@sinclair/typebox';
import { createClickHouse, describeTarget, storageFromConfig } from '@tracehound/clickhouse';
import { ApiConfig, ApiTlsConfig, ClickHouseConfig, CommonConfig, K8sAuditConfig, RetentionConfig, loadConfig } from '@tracehound/config';
import { createKafka, waitForKafka } from '@tracehound/kafka';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain } from '@tracehound/service';
import { buildApi } from './app.js';
import { StageGroupsConfig, apiOptions } from './options.js';

export const ApiProcessConfig = Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, ApiConfig, K8sAuditConfig, ApiTlsConfig, StageGroupsConfig]);

/** `tracehound api`: the process around the API app (config, ClickHouse and Kafka clients, listening, signals). */
export async function main(): Promise<void> {
  const cfg = loadConfig(ApiProcessConfig);
  const logger = createLogger('api', cfg.TRACEHOUND_LOG_LEVEL);
  enableDefaultMetrics();
  await runMain('api', logger, async () => {
    const storage = storageFromConfig(cfg);
    logger.info({ clickhouse: describeTarget(storage.client) }, 'starting');
    const kafkaOptions = { brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-api`, logger };
    await waitForKafka(kafkaOptions);
    const clickhouse = createClickHouse(storage.client);
    const api = await buildApi(apiOptions(cfg, {
      clickhouse,
      ddl: storage.ddl,
      logger,
      kafka: createKafka(kafkaOptions),
      // Printed once, on stdout, at the very first start: the only time the password exists in clear.
      onFirstAdmin: (user, password) => process.stdout.write(`tracehound api: first admin created — user ${user}, password ${password}\n(change it: PATCH /api/v1/users/${user})\n`),
    }));
    await api.app.listen({ host: cfg.TRACEHOUND_API_HOST, port: cfg.TRACEHOUND_API_PORT });
    logger.info({ address: api.app.server.address() }, 'api listening; OpenAPI at /docs');
    return {
      async close() {
        await api.close();
        await clickhouse.close();
      },
    };
  });
}
