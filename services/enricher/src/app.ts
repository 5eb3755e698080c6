import type { Kafka } from 'kafkajs';
import { Type, type Static } from '@sinclair/typebox';
import { CommonConfig, EnricherConfig } from '@tracehound/config';
import { createKafka } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { EnricherKafka } from './adapters/kafka.js';
import { createKubeApi, loadKubeConfig, type KubeApi } from './adapters/kube-api.js';
import { BatchEnricher } from './handlers/enrich-batch.js';
import { annotationFilter } from './kube/annotations.js';
import { ClusterCache, type ClusterCacheOptions } from './kube/cluster-cache.js';

export const EnricherServiceConfig = Type.Composite([CommonConfig, EnricherConfig]);
export type EnricherSettings = Static<typeof EnricherServiceConfig>;

export interface EnricherDeps {
  logger: Logger;
  /** Defaults to a client on TRACEHOUND_KAFKA_BROKERS. */
  kafka?: Kafka;
  /** Defaults to the API server of TRACEHOUND_KUBECONFIG, or in-cluster. */
  kube?: KubeApi;
  /** Tests shorten informer backoffs and watch timeouts. */
  informer?: ClusterCacheOptions['informer'];
}

export interface Enricher {
  /** Lists pods and namespaces (waits up to the sync timeout), then consumes events.raw. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Ready once the first full lists of pods and namespaces are in. */
  ready(): boolean;
  details(): Record<string, unknown>;
  readonly cache: ClusterCache;
  readonly kafka: EnricherKafka;
}

/** Wires the Kubernetes cache, the enrichment logic and Kafka; what main.ts and tests build. */
export function createEnricher(cfg: EnricherSettings, deps: EnricherDeps): Enricher {
  const logger = deps.logger;
  const api = deps.kube ?? createKubeApi(loadKubeConfig({
    ...(cfg.TRACEHOUND_KUBECONFIG ? { kubeconfig: cfg.TRACEHOUND_KUBECONFIG } : {}),
    ...(cfg.TRACEHOUND_KUBE_CONTEXT ? { context: cfg.TRACEHOUND_KUBE_CONTEXT } : {}),
  }));
  const cache = new ClusterCache({
    api,
    cluster: cfg.TRACEHOUND_CLUSTER_NAME,
    logger: logger.child({ component: 'kube' }),
    keepAnnotation: annotationFilter(cfg.TRACEHOUND_ENRICHER_ANNOTATIONS),
    deletedTtlMs: cfg.TRACEHOUND_ENRICHER_DELETED_TTL_MS,
    resyncMs: cfg.TRACEHOUND_ENRICHER_RESYNC_MS,
    ...(deps.informer ? { informer: deps.informer } : {}),
  });
  const batch = new BatchEnricher({
    cluster: cfg.TRACEHOUND_CLUSTER_NAME,
    holdMs: cfg.TRACEHOUND_ENRICHER_HOLD_MS,
    canHold: () => cache.synced,
    changes: cache.pods.changes,
    lookup: {
      byContainerId: (id) => cache.pods.byContainerId(id),
      byPodUid: (uid) => cache.pods.byPodUid(uid),
      byPodName: (namespace, name) => cache.pods.byPodName(namespace, name),
    },
  });
  const kafka = new EnricherKafka({
    kafka: deps.kafka ?? createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-enricher`, logger }),
    prefix: cfg.TRACEHOUND_TOPIC_PREFIX,
    partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS,
    replication: cfg.TRACEHOUND_TOPIC_REPLICATION,
    registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
    groupId: cfg.TRACEHOUND_ENRICHER_GROUP,
    logger,
  });

  return {
    cache,
    kafka,
    async start() {
      cache.start();
      const synced = await cache.waitSynced(cfg.TRACEHOUND_ENRICHER_SYNC_TIMEOUT_MS);
      if (!synced) {
        logger.error({ server: api.server, waitedMs: cfg.TRACEHOUND_ENRICHER_SYNC_TIMEOUT_MS },
          'pods and namespaces are not listed yet (see the errors above); events flow with enrichment=unresolved until they are');
      }
      await kafka.prepare();
      await kafka.run((items, ctl) => batch.enrich(items, ctl));
      logger.info({ raw: kafka.rawTopic, enriched: kafka.enrichedTopic, server: api.server, synced }, 'enricher running');
    },
    async close() {
      await kafka.close();
      await cache.stop();
    },
    ready: () => cache.synced,
    details: () => ({ synced: cache.synced, pods: cache.pods.sizes, namespaces: cache.namespaces.size, owners: cache.owners.size }),
  };
}
