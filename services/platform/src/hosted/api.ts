import type { AddressInfo } from 'node:net';
import { apiOptions, buildApi } from '@tracehound/api';
import { TracehoundError } from '@tracehound/errors';
import { createKafka } from '@tracehound/kafka';
import type { HostedService } from './types.js';

/** The REST API (and the web UI it serves); in this process it also answers /healthz and /metrics for everyone. */
export const api: HostedService = {
  name: 'api',
  async start({ cfg, logger, clickhouse, ddl, onFirstAdmin }) {
    const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-api`, logger });
    const app = await buildApi(apiOptions(cfg, { clickhouse, ddl, logger, kafka, onFirstAdmin }));
    try {
      await app.app.listen({ host: cfg.TRACEHOUND_API_HOST, port: cfg.TRACEHOUND_API_PORT });
    } catch (err) {
      await app.close().catch(() => undefined);
      throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_API_PORT: cannot listen on ${cfg.TRACEHOUND_API_HOST}:${cfg.TRACEHOUND_API_PORT}: ${(err as Error).message}`, { cause: err });
    }
    const { address, port } = app.app.server.address() as AddressInfo;
    const url = `${cfg.TRACEHOUND_API_TLS_CERT_FILE ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return { ready: app.ready, details: () => ({ url }), close: () => app.close() };
  },
};
