import { createKafka } from '@tracehound/kafka';
import { buildSink } from '@tracehound/sink-clickhouse';
import type { HostedService } from './types.js';

export const sink: HostedService = {
  name: 'sink',
  async start({ cfg, logger, clickhouse, ddl }) {
    const app = buildSink({
      kafka: createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-sink`, logger }),
      clickhouse,
      ddl,
      // The API has just run the migrations on the same client.
      migrate: false,
      registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
      topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
      groupId: cfg.TRACEHOUND_SINK_GROUP_ID,
      logger,
      batchRows: cfg.TRACEHOUND_SINK_BATCH_ROWS,
      batchBytes: cfg.TRACEHOUND_SINK_BATCH_BYTES,
      maxWaitMs: cfg.TRACEHOUND_SINK_MAX_WAIT_MS,
      provision: { partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION },
    });
    try {
      await app.start();
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    return { ready: app.ready, details: app.details, close: () => app.close() };
  },
};
