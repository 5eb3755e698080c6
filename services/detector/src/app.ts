import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Static } from '@sinclair/typebox';
import type { CommonConfig, DetectorConfig } from '@tracehound/config';
import { errorMessage } from '@tracehound/errors';
import { BatchingProducer, SchemaMatch, consumedConcurrently, createKafka, provisionTopics, topicName, waitForKafka } from '@tracehound/kafka';
import { createLogger, type Logger } from '@tracehound/logging';
import { gauge } from '@tracehound/metrics';
import { RecordCodec, createRegistry, type Alert } from '@tracehound/schemas';
import { DEFAULT_RULES_DIR } from '../../../rules/index.js';
import { AlertSink } from './adapters/alert-sink.js';
import { EnrichedEventReader, type ReadEvent } from './adapters/event-decoder.js';
import { EventConsumer } from './adapters/event-consumer.js';
import { RulesSource } from './adapters/rules-source.js';
import { Detection } from './handlers/detection.js';
import { readRuleFiles } from './rules/load-files.js';
import { RuleStore, recordsOf, type RuleError } from './rules/store.js';

export type DetectorSettings = Static<typeof CommonConfig> & Static<typeof DetectorConfig>;

export interface DetectorDeps {
  kafka?: Kafka;
  logger?: Logger;
}

const rulesInForce = gauge({ name: 'tracehound_detector_rules', help: 'Rules in force (enabled)' });
const ruleErrorsGauge = gauge({ name: 'tracehound_detector_rule_errors', help: 'Rule records refused and not superseded' });

export interface DetectorApp {
  start(): Promise<void>;
  close(): Promise<void>;
  ready(): boolean;
  store: RuleStore;
  detection: Detection;
  /** Refused rule records with their reasons, newest state per key: what the API shows. */
  ruleErrors(): RuleError[];
}

/** Reads the default rule files (lists, shared conditions, rules) as rules-topic records. */
export function defaultRuleRecords(dir = DEFAULT_RULES_DIR): Array<{ key: string; value: string }> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort((a, b) => (a === 'common.json' ? -1 : b === 'common.json' ? 1 : a.localeCompare(b)));
  const { raw, issues } = readRuleFiles(files.map((f) => join(dir, f)));
  if (issues.length) throw new Error(`default rules in ${dir} are invalid: ${issues.map((i) => i.message).join('; ')}`);
  return recordsOf(raw);
}

/**
 * Wires the detector: rules topic → RuleStore → Detection; events.enriched → Detection →
 * alerts (acked) → commit. Tests build it with their own topic prefix.
 */
export function buildDetector(cfg: DetectorSettings, deps: DetectorDeps = {}): DetectorApp {
  const logger = deps.logger ?? createLogger('detector', cfg.TRACEHOUND_LOG_LEVEL);
  const clientOptions = { brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-detector`, logger };
  const kafka = deps.kafka ?? createKafka(clientOptions);
  const prefix = cfg.TRACEHOUND_TOPIC_PREFIX;
  const topics = { events: topicName(prefix, 'eventsEnriched'), alerts: topicName(prefix, 'alerts'), rules: topicName(prefix, 'rules'), dead: topicName(prefix, 'deadLetter') };
  const registry = createRegistry(cfg.TRACEHOUND_REGISTRY_URL);
  const store = new RuleStore();
  const detection = new Detection({ maxKeys: cfg.TRACEHOUND_DETECTOR_MAX_KEYS });
  detection.setRules(store.set);
  const producer = new BatchingProducer(kafka);
  const sink = new AlertSink(registry, producer, topics.alerts, logger);
  let started = false;

  const rules = new RulesSource(kafka, {
    topic: topics.rules,
    groupPrefix: cfg.TRACEHOUND_DETECTOR_GROUP_ID,
    logger,
    onRecord: (key, value, at) => {
      const r = store.apply(key, value, at);
      if (r.ok) {
        detection.setRules(r.set);
        logger.info({ key, at, rules: r.set.rules.length }, value === null ? 'rule record deleted' : 'rule record applied');
      } else {
        logger.warn({ key, at, rule_error: r.error.reason }, `rule record refused; the running set is unchanged: ${r.error.reason}`);
      }
      rulesInForce.set(store.set.rules.length);
      ruleErrorsGauge.set(store.errors().length);
    },
  });

  const codec = new RecordCodec(registry, 'tracehound.Event');
  // Events are read for the fields the rules in force read; an alert's event is read whole.
  const decodeEvent = new EnrichedEventReader(codec, new SchemaMatch(codec.type, registry)).decoder(() => detection.ruleSet?.fields);
  const events = new EventConsumer<ReadEvent>(kafka, {
    groupId: cfg.TRACEHOUND_DETECTOR_GROUP_ID,
    topic: topics.events,
    decode: (msg) => decodeEvent(msg, topics.events),
    handle: async (partition, records, heartbeat) => {
      const alerts: Alert[] = [];
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        // Rules may have changed since the batch was read: read again what they now need.
        const event = r.value.readFor(detection.ruleSet?.fields);
        alerts.push(...detection.process(event, partition, r.offset, r.value));
        if (i % 2000 === 1999) await heartbeat();
      }
      await sink.send(alerts);
    },
    holdback: (p) => detection.holdback(p),
    forget: (p) => detection.dropPartition(p),
    deadLetter: { producer, topic: topics.dead },
    logger,
    partitionsConsumedConcurrently: consumedConcurrently(cfg.TRACEHOUND_TOPIC_PARTITIONS),
  });

  return {
    store,
    detection,
    ready: () => started,
    ruleErrors: () => store.errors(),
    async start() {
      await waitForKafka(clientOptions);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await provisionTopics(admin, { prefix, partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION, ids: ['eventsEnriched', 'alerts', 'rules', 'deadLetter'] });
      } finally {
        await admin.disconnect();
      }
      await producer.connect();
      await sink.start(cfg.TRACEHOUND_REGISTRY_URL);
      await rules.start();
      if (rules.endOffset === 0n && cfg.TRACEHOUND_DETECTOR_SEED_RULES) {
        const records = defaultRuleRecords(cfg.TRACEHOUND_DETECTOR_RULES_DIR);
        await producer.send(topics.rules, records);
        logger.info({ records: records.length }, 'rules topic was empty: published the default rule set');
      }
      await events.start();
      started = true;
      logger.info({ rules: store.set.rules.length, errors: store.errors().length }, 'detector started');
    },
    async close() {
      started = false;
      for (const step of [() => events.stop(), () => rules.stop(), () => producer.disconnect()]) {
        await step().catch((err: unknown) => logger.warn({ err }, `detector close: ${errorMessage(err)}`));
      }
    },
  };
}
