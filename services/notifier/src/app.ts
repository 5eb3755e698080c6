import type { Kafka } from 'kafkajs';
import type { Static } from '@sinclair/typebox';
import type { CommonConfig, NotifierConfig } from '@tracehound/config';
import { RulesSource } from '@tracehound/detector';
import { errorMessage } from '@tracehound/errors';
import { BatchingProducer, createKafka, provisionTopics, topicName, waitForKafka } from '@tracehound/kafka';
import { createLogger, type Logger } from '@tracehound/logging';
import type { Alert } from '@tracehound/schemas';
import { AlertConsumer } from './adapters/alert-consumer.js';
import { DeliveryLog } from './adapters/delivery-log.js';
import { DeliveredSet } from './delivery/delivered.js';
import { PendingOffsets } from './delivery/pending.js';
import { RouteWorker, type RouteStatus } from './delivery/route-worker.js';
import { duplicatesSkipped, routeErrors, routesGauge } from './metrics.js';
import { routeMatches } from './routes/filter.js';
import { RouteStore, type RouteError } from './routes/store.js';

export type NotifierSettings = Static<typeof CommonConfig> & Static<typeof NotifierConfig>;

export interface NotifierDeps {
  kafka?: Kafka;
  logger?: Logger;
}

export interface NotifierApp {
  start(): Promise<void>;
  close(): Promise<void>;
  ready(): boolean;
  routes: RouteStore;
  status(): RouteStatus[];
  routeErrors(): RouteError[];
}

/**
 * Wires the notifier: routes topic → RouteStore → one RouteWorker per route; alerts → matching
 * routes' workers → receivers; every result → the delivery log, then the alert's offset may be
 * committed. Tests build it with their own topic prefix.
 */
export function buildNotifier(cfg: NotifierSettings, deps: NotifierDeps = {}): NotifierApp {
  const logger = deps.logger ?? createLogger('notifier', cfg.TRACEHOUND_LOG_LEVEL);
  const clientOptions = { brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-notifier`, logger };
  const kafka = deps.kafka ?? createKafka(clientOptions);
  const prefix = cfg.TRACEHOUND_TOPIC_PREFIX;
  const topics = { alerts: topicName(prefix, 'alerts'), routes: topicName(prefix, 'notifyRoutes'), deliveries: topicName(prefix, 'notifyDeliveries'), dead: topicName(prefix, 'deadLetter') };
  const producer = new BatchingProducer(kafka, { lingerMs: 1 });
  const log = new DeliveryLog(kafka, producer, topics.deliveries, cfg.TRACEHOUND_REGISTRY_URL, logger);
  const store = new RouteStore();
  const delivered = new DeliveredSet();
  const pending = new PendingOffsets();
  const workers = new Map<string, RouteWorker>();
  let started = false;


  const syncWorker = (key: string) => {
    const route = store.routes.get(key);
    const w = workers.get(key);
    if (!route) {
      workers.delete(key);
      void w?.close();
    } else if (w) w.update(route);
    else workers.set(key, new RouteWorker(route, {
      logger,
      record: (d) => log.write(d),
      done: (items) => {
        delivered.add(route.id, items.map((i) => i.alert.id));
        for (const i of items) pending.done(i.partition, i.offset);
      },
    }));
    routesGauge.set(store.routes.size);
    routeErrors.set(store.errors().length);
  };

  const routesSource = new RulesSource(kafka, {
    topic: topics.routes,
    groupPrefix: cfg.TRACEHOUND_NOTIFIER_GROUP_ID,
    logger,
    onRecord: (key, value, at) => {
      const r = store.apply(key, value, at);
      if (r.ok) logger.info({ key, at }, value === null ? 'route deleted' : 'route applied');
      else logger.warn({ key, at, route_error: r.error.reason }, `route record refused; the route keeps its previous version: ${r.error.reason}`);
      syncWorker(key);
    },
  });

  const dispatch = (alert: Alert, partition: number, offset: bigint): number => {
    let n = 0;
    for (const [id, w] of workers) {
      const route = store.routes.get(id);
      if (!route || !routeMatches(route, alert)) continue;
      if (delivered.has(id, alert.id)) {
        duplicatesSkipped.inc({ route: id });
        continue;
      }
      n++;
      w.offer({ alert, partition, offset });
    }
    return n;
  };

  const alerts = new AlertConsumer(kafka, {
    groupId: cfg.TRACEHOUND_NOTIFIER_GROUP_ID,
    topic: topics.alerts,
    registryUrl: cfg.TRACEHOUND_REGISTRY_URL,
    pending,
    dispatch,
    deadLetter: { producer, topic: topics.dead },
    logger,
  });

  return {
    routes: store,
    ready: () => started,
    routeErrors: () => store.errors(),
    status: () => [...workers.values()].map((w) => w.statusOf()),
    async start() {
      await waitForKafka(clientOptions);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await provisionTopics(admin, { prefix, partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION, ids: ['alerts', 'notifyRoutes', 'notifyDeliveries', 'deadLetter'] });
      } finally {
        await admin.disconnect();
      }
      await producer.connect();
      await log.start();
      const known = await log.replay(cfg.TRACEHOUND_NOTIFIER_DEDUPE_HORIZON_MS, (d) => delivered.add(d.route_id, d.alert_ids));
      await routesSource.start();
      await alerts.start();
      started = true;
      logger.info({ routes: store.routes.size, route_errors: store.errors().length, delivery_log: known }, 'notifier started');
    },
    async close() {
      started = false;
      // Workers first (no new sends; the one in flight finishes and is logged), then commit what is finished.
      const steps = [() => Promise.all([...workers.values()].map((w) => w.close())).then(() => undefined), () => routesSource.stop(), () => alerts.stop(), () => producer.disconnect()];
      for (const step of steps) await step().catch((err: unknown) => logger.warn({ err }, `notifier close: ${errorMessage(err)}`));
    },
  };
}
