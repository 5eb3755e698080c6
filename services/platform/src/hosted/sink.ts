import { createKafka } from '@tracehound/kafka';
import { buildSink, sinkOptions } from '@tracehound/sink-clickhouse';
import { startedOrClosed } from './types.js';
import type { HostedService } from './types.js';

export const sink: HostedService = {
  name: 'sink',
  async start({ cfg, logger, clickhouse, ddl }) {
    const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-sink`, logger });
    // The API has just run the migrations on the same client.
    const app = await startedOrClosed(buildSink({ ...sinkOptions(cfg, { kafka, clickhouse, ddl, logger }), migrate: false }));
    return { ready: app.ready, details: app.details, close: () => app.close() };
  },
};
