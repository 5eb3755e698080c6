import type { Static } from '@sinclair/typebox';
import type { Kafka } from 'kafkajs';
import type { ClickHouseLike, DdlContext } from '@tracehound/clickhouse';
import type { CommonConfig, SinkConfig } from '@tracehound/config';
import type { Logger } from '@tracehound/logging';
import type { SinkOptions } from './app.js';

/** SinkOptions from loaded configuration: the one mapping `tracehound sink` and the all-in-one process share. */
export function sinkOptions(
  cfg: Static<typeof CommonConfig> & Static<typeof SinkConfig>,
  parts: { kafka: Kafka; clickhouse: ClickHouseLike; ddl: DdlContext; logger: Logger },
): SinkOptions {
  return {
    ...parts,
    registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
    topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
    groupId: cfg.TRACEHOUND_SINK_GROUP_ID,
    batchRows: cfg.TRACEHOUND_SINK_BATCH_ROWS,
    batchBytes: cfg.TRACEHOUND_SINK_BATCH_BYTES,
    maxWaitMs: cfg.TRACEHOUND_SINK_MAX_WAIT_MS,
    provision: { partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION },
  };
}
