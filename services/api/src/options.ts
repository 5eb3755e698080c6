import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { Kafka } from 'kafkajs';
import type { ClickHouseLike, DdlContext } from '@tracehound/clickhouse';
import { DetectorConfig, EnricherConfig, SinkConfig, type ApiConfig, type ApiTlsConfig, type CommonConfig, type K8sAuditConfig } from '@tracehound/config';
import { TracehoundError } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import type { ApiOptions } from './app.js';
import { readAdminPassword } from './auth/first-admin.js';

/** The consumer groups of the stages the pipeline health shows: the very variables those services read. */
export const StageGroupsConfig = Type.Composite([
  Type.Pick(EnricherConfig, ['TRACEHOUND_ENRICHER_GROUP']),
  Type.Pick(DetectorConfig, ['TRACEHOUND_DETECTOR_GROUP_ID']),
  Type.Pick(SinkConfig, ['TRACEHOUND_SINK_GROUP_ID']),
]);

export type ApiSettings = Static<typeof CommonConfig> & Static<typeof ApiConfig> & Static<typeof K8sAuditConfig> & Static<typeof ApiTlsConfig> & Static<typeof StageGroupsConfig>;

/** ApiOptions from loaded configuration: the one mapping `tracehound api` and the all-in-one process share. */
export function apiOptions(
  cfg: ApiSettings,
  parts: { clickhouse: ClickHouseLike; ddl: DdlContext; logger: Logger; kafka: Kafka; onFirstAdmin: (user: string, password: string) => void },
): ApiOptions {
  return {
    clickhouse: parts.clickhouse,
    ddl: parts.ddl,
    logger: parts.logger,
    adminUser: cfg.TRACEHOUND_API_ADMIN_USER,
    ...(cfg.TRACEHOUND_API_ADMIN_PASSWORD_FILE ? { adminPassword: readAdminPassword(cfg.TRACEHOUND_API_ADMIN_PASSWORD_FILE) } : {}),
    onFirstAdmin: parts.onFirstAdmin,
    sessionTtlMs: cfg.TRACEHOUND_API_SESSION_TTL_S * 1000,
    queryTimeoutS: cfg.TRACEHOUND_API_QUERY_TIMEOUT_S,
    maxRowsRead: cfg.TRACEHOUND_API_MAX_ROWS_READ,
    bodyLimit: cfg.TRACEHOUND_API_BODY_LIMIT,
    rateLimitPerMinute: cfg.TRACEHOUND_API_RATE_LIMIT,
    corsOrigins: cfg.TRACEHOUND_API_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    sseMaxClients: cfg.TRACEHOUND_API_SSE_MAX_CLIENTS,
    backtest: { maxEvents: cfg.TRACEHOUND_API_BACKTEST_MAX_EVENTS, timeoutMs: cfg.TRACEHOUND_API_BACKTEST_TIMEOUT_MS },
    ...tlsOf(cfg),
    ui: { stageGroups: { enricher: cfg.TRACEHOUND_ENRICHER_GROUP, detector: cfg.TRACEHOUND_DETECTOR_GROUP_ID, sink: cfg.TRACEHOUND_SINK_GROUP_ID } },
    k8sAudit: {
      tokens: cfg.TRACEHOUND_API_K8S_AUDIT_TOKENS.split(',').filter(Boolean),
      clientNames: cfg.TRACEHOUND_API_K8S_AUDIT_CLIENT_NAMES.split(',').map((s) => s.trim()).filter(Boolean),
      node: cfg.TRACEHOUND_API_K8S_AUDIT_NODE,
      bodyLimit: cfg.TRACEHOUND_API_K8S_AUDIT_BODY_LIMIT,
    },
    kafka: {
      kafka: parts.kafka,
      registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
      topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
      provision: { partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION },
    },
  };
}

/** HTTPS settings from the TLS files, or none; a half-set pair stops start-up naming the variable. */
function tlsOf(cfg: { TRACEHOUND_API_TLS_CERT_FILE?: string | undefined; TRACEHOUND_API_TLS_KEY_FILE?: string | undefined; TRACEHOUND_API_TLS_CLIENT_CA_FILE?: string | undefined }) {
  const { TRACEHOUND_API_TLS_CERT_FILE: cert, TRACEHOUND_API_TLS_KEY_FILE: key, TRACEHOUND_API_TLS_CLIENT_CA_FILE: ca } = cfg;
  if (!cert && !key) return {};
  if (!cert || !key) throw new TracehoundError('TH_ERR_CONFIG', `${cert ? 'TRACEHOUND_API_TLS_KEY_FILE' : 'TRACEHOUND_API_TLS_CERT_FILE'}: required when the other TLS file is set`);
  return { https: { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8'), ...(ca ? { ca: readFileSync(ca, 'utf8') } : {}) } };
}
