import type { AddressInfo } from 'node:net';
import { buildApi } from '@tracehound/api';
import { TracehoundError } from '@tracehound/errors';
import { createKafka } from '@tracehound/kafka';
import type { HostedService } from './types.js';

/** The REST API (and the web UI it serves); in this process it also answers /healthz and /metrics for everyone. */
export const api: HostedService = {
  name: 'api',
  async start({ cfg, logger, clickhouse, ddl, onFirstAdmin }) {
    const app = await buildApi({
      clickhouse,
      ddl,
      logger,
      adminUser: cfg.TRACEHOUND_API_ADMIN_USER,
      onFirstAdmin,
      sessionTtlMs: cfg.TRACEHOUND_API_SESSION_TTL_S * 1000,
      queryTimeoutS: cfg.TRACEHOUND_API_QUERY_TIMEOUT_S,
      maxRowsRead: cfg.TRACEHOUND_API_MAX_ROWS_READ,
      bodyLimit: cfg.TRACEHOUND_API_BODY_LIMIT,
      rateLimitPerMinute: cfg.TRACEHOUND_API_RATE_LIMIT,
      corsOrigins: cfg.TRACEHOUND_API_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
      sseMaxClients: cfg.TRACEHOUND_API_SSE_MAX_CLIENTS,
      backtest: { maxEvents: cfg.TRACEHOUND_API_BACKTEST_MAX_EVENTS, timeoutMs: cfg.TRACEHOUND_API_BACKTEST_TIMEOUT_MS },
      kafka: {
        kafka: createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-api`, logger }),
        registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
        topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
        provision: { partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION },
      },
    });
    try {
      await app.app.listen({ host: cfg.TRACEHOUND_API_HOST, port: cfg.TRACEHOUND_API_PORT });
    } catch (err) {
      await app.close().catch(() => undefined);
      throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_API_PORT: cannot listen on ${cfg.TRACEHOUND_API_HOST}:${cfg.TRACEHOUND_API_PORT}: ${(err as Error).message}`, { cause: err });
    }
    const { address, port } = app.app.server.address() as AddressInfo;
    const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return { ready: app.ready, details: () => ({ url }), close: () => app.close() };
  },
};
