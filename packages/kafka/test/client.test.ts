import t from 'tap';
import { capturingLogger, stackConfig } from '@tracehound/testkit';
import { createKafka } from '../src/index.js';
import { kafkaLogLevel } from '../src/client.js';

const cfg = stackConfig();

t.test('a protocol error kafkajs retries is logged as a warning; the caller still gets the error once retries are spent (real broker)', async (t) => {
  const { logger, entries } = capturingLogger();
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'test-client-retried', logger, retry: { retries: 2, initialRetryTime: 20, maxRetryTime: 50 } });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const missing = `test.client.missing.${Date.now().toString(36)}`;
  await t.rejects(admin.fetchTopicOffsets(missing), { name: 'KafkaJSNumberOfRetriesExceeded', message: 'This server does not host this topic-partition' }, 'the caller gets the error');
  const responses = entries.filter((e) => e.namespace === 'Connection' && /^Response Metadata/.test(e.msg));
  t.ok(responses.length >= 2, `each try logged (${responses.length})`);
  t.same(new Set(responses.map((e) => `${e.level}: ${String(e.error)}`)), new Set(['warn: This server does not host this topic-partition']));
});

t.test('a protocol error kafkajs does not retry stays an error (real broker)', async (t) => {
  const { logger, entries } = capturingLogger();
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'test-client-fatal', logger, retry: { retries: 0 } });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  // One broker: a replication factor of 3 cannot be met.
  await t.rejects(admin.createTopics({ topics: [{ topic: `test.client.rf3.${Date.now().toString(36)}`, replicationFactor: 3 }] }));
  const responses = entries.filter((e) => e.namespace === 'Connection' && /^Response CreateTopics/.test(e.msg));
  t.equal(responses.length, 1);
  t.equal(responses[0]?.level, 'error', String(responses[0]?.error));
});

t.test('only retried errors in responses move down a level', async (t) => {
  const ERROR = 1, WARN = 2, INFO = 4;
  t.equal(kafkaLogLevel('Connection', ERROR, { error: 'This server is not the leader for that topic-partition' }), WARN);
  t.equal(kafkaLogLevel('Connection', ERROR, { error: 'Leader not available' }), ERROR, 'not a kafkajs message verbatim');
  t.equal(kafkaLogLevel('Connection', ERROR, { error: 'Replication-factor is invalid' }), ERROR, 'not retriable');
  t.equal(kafkaLogLevel('Consumer', ERROR, { error: 'This server is not the leader for that topic-partition' }), ERROR, 'other namespaces as they are');
  t.equal(kafkaLogLevel('Connection', INFO, { error: 'This server is not the leader for that topic-partition' }), INFO);
  t.equal(kafkaLogLevel('Connection', ERROR, {}), ERROR);
});
