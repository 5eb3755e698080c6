import t from 'tap';
import { Type } from '@sinclair/typebox';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, CommonConfig, ClickHouseConfig, CONFIG_FILE_VARIABLE } from '../src/index.js';

t.test('defaults apply when nothing is set', async (t) => {
  const c = loadConfig(CommonConfig, {});
  t.equal(c.TRACEHOUND_KAFKA_BROKERS, '127.0.0.1:9092');
  t.equal(c.TRACEHOUND_TOPIC_PARTITIONS, 6);
  t.equal(c.TRACEHOUND_LOG_LEVEL, 'info');
});

t.test('values are coerced and validated', async (t) => {
  const c = loadConfig(CommonConfig, { TRACEHOUND_TOPIC_PARTITIONS: '12', TRACEHOUND_KAFKA_BROKERS: 'a:1,b:2' });
  t.equal(c.TRACEHOUND_TOPIC_PARTITIONS, 12);
  t.equal(c.TRACEHOUND_KAFKA_BROKERS, 'a:1,b:2');
});

t.test('a wrong value stops start-up naming the variable and the expected form', async (t) => {
  t.throws(() => loadConfig(CommonConfig, { TRACEHOUND_KAFKA_BROKERS: 'localhost' }), {
    code: 'TH_ERR_CONFIG',
    message: /TRACEHOUND_KAFKA_BROKERS: expected comma-separated host:port list \(e\.g\. 127\.0\.0\.1:9092,kafka-1:9092\), got "localhost"/,
  });
  t.throws(() => loadConfig(CommonConfig, { TRACEHOUND_TOPIC_PARTITIONS: 'many' }), { message: /TRACEHOUND_TOPIC_PARTITIONS: expected partitions per topic/ });
  t.throws(() => loadConfig(CommonConfig, { TRACEHOUND_LOG_LEVEL: 'loud' }), { message: /TRACEHOUND_LOG_LEVEL: expected one of trace, debug/ });
  t.throws(() => loadConfig(ClickHouseConfig, { TRACEHOUND_CLICKHOUSE_URL: 'clickhouse:8123' }), { message: /TRACEHOUND_CLICKHOUSE_URL: expected the http\(s\) URL/ });
});

t.test('required variables without defaults are reported as not set', async (t) => {
  const S = Type.Object({ TRACEHOUND_NODE_NAME: Type.String({ description: 'the Kubernetes node name' }) });
  t.throws(() => loadConfig(S, {}), { message: /TRACEHOUND_NODE_NAME: expected the Kubernetes node name, it is not set/ });
});

t.test('an optional file provides values; the environment wins', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'tracehound.env');
  writeFileSync(file, 'TRACEHOUND_TOPIC_PARTITIONS=3\nTRACEHOUND_KAFKA_CLIENT_ID=from-file\n');
  const c = loadConfig(CommonConfig, { [CONFIG_FILE_VARIABLE]: file, TRACEHOUND_KAFKA_CLIENT_ID: 'from-env' });
  t.equal(c.TRACEHOUND_TOPIC_PARTITIONS, 3);
  t.equal(c.TRACEHOUND_KAFKA_CLIENT_ID, 'from-env');
  t.throws(() => loadConfig(CommonConfig, { [CONFIG_FILE_VARIABLE]: join(dir, 'missing.env') }), { message: /TRACEHOUND_CONFIG_FILE: cannot read/ });
});
