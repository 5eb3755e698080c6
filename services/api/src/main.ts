import { Type } from '@sinclair/typebox';
import { createClickHouse, describeTarget, storageFromConfig } from '@tracehound/clickhouse';
import { readFileSync } from 'node:fs';
import { ApiConfig, ApiTlsConfig, ClickHouseConfig, CommonConfig, K8sAuditConfig, RetentionConfig, loadConfig } from '@tracehound/config';
import { TracehoundError } from '@tracehound/errors';
import { createKafka, waitForKafka } from '@tracehound/kafka';
import { createLogger } from '@tracehound/logging';
import { enableDefaultMetrics } from '@tracehound/metrics';
import { runMain } from '@tracehound/service';
import { buildApi } from './app.js';

export const ApiProcessConfig = Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, ApiConfig, K8sAuditConfig, ApiTlsConfig]);

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
    const api = await buildApi({
      clickhouse,
      ddl: storage.ddl,
      logger,
      adminUser: cfg.TRACEHOUND_API_ADMIN_USER,
      // Printed once, on stdout, at the very first start: the only time the password exists in clear.
      onFirstAdmin: (user, password) => process.stdout.write(`tracehound api: first admin created — user ${user}, password ${password}\n(change it: PATCH /api/v1/users/${user})\n`),
      sessionTtlMs: cfg.TRACEHOUND_API_SESSION_TTL_S * 1000,
      queryTimeoutS: cfg.TRACEHOUND_API_QUERY_TIMEOUT_S,
      maxRowsRead: cfg.TRACEHOUND_API_MAX_ROWS_READ,
      bodyLimit: cfg.TRACEHOUND_API_BODY_LIMIT,
      rateLimitPerMinute: cfg.TRACEHOUND_API_RATE_LIMIT,
      corsOrigins: cfg.TRACEHOUND_API_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
      sseMaxClients: cfg.TRACEHOUND_API_SSE_MAX_CLIENTS,
      backtest: { maxEvents: cfg.TRACEHOUND_API_BACKTEST_MAX_EVENTS, timeoutMs: cfg.TRACEHOUND_API_BACKTEST_TIMEOUT_MS },
      ...tlsOf(cfg),
      k8sAudit: {
        tokens: cfg.TRACEHOUND_API_K8S_AUDIT_TOKENS.split(',').filter(Boolean),
        clientNames: cfg.TRACEHOUND_API_K8S_AUDIT_CLIENT_NAMES.split(',').map((s) => s.trim()).filter(Boolean),
        node: cfg.TRACEHOUND_API_K8S_AUDIT_NODE,
        bodyLimit: cfg.TRACEHOUND_API_K8S_AUDIT_BODY_LIMIT,
      },
      kafka: {
        kafka: createKafka(kafkaOptions),
        registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
        topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
        provision: { partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION },
      },
    });
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

/** HTTPS settings from the TLS files, or none; a half-set pair stops start-up naming the variable. */
function tlsOf(cfg: { TRACEHOUND_API_TLS_CERT_FILE?: string | undefined; TRACEHOUND_API_TLS_KEY_FILE?: string | undefined; TRACEHOUND_API_TLS_CLIENT_CA_FILE?: string | undefined }) {
  const { TRACEHOUND_API_TLS_CERT_FILE: cert, TRACEHOUND_API_TLS_KEY_FILE: key, TRACEHOUND_API_TLS_CLIENT_CA_FILE: ca } = cfg;
  if (!cert && !key) return {};
  if (!cert || !key) throw new TracehoundError('TH_ERR_CONFIG', `${cert ? 'TRACEHOUND_API_TLS_KEY_FILE' : 'TRACEHOUND_API_TLS_CERT_FILE'}: required when the other TLS file is set`);
  return { https: { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8'), ...(ca ? { ca: readFileSync(ca, 'utf8') } : {}) } };
}
