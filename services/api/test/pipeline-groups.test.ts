import t from 'tap';
import { rmSync } from 'node:fs';
import { createClickHouse } from '@tracehound/clickhouse';
import { loadConfig } from '@tracehound/config';
import { BatchingProducer, topicName } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { testKafka } from '@tracehound/testkit';
import { ApiProcessConfig } from '../src/main.js';
import { apiOptions, buildApi } from '../src/index.js';
import { DB, scratchDir } from './helpers.js';

t.test('pipeline health reads the lag of the consumer groups configured by TRACEHOUND_*_GROUP variables (real broker)', async (t) => {
  const tk = await testKafka('api-groups', ['eventsRaw', 'eventsEnriched', 'alerts', 'rules', 'deadLetter'], 2);
  const groups = { enricher: `${tk.prefix}.my-enricher`, detector: `${tk.prefix}.my-detector`, sink: `${tk.prefix}.my-sink` };
  const cfg = loadConfig(ApiProcessConfig, {
    TRACEHOUND_TOPIC_PREFIX: tk.prefix,
    TRACEHOUND_ENRICHER_GROUP: groups.enricher,
    TRACEHOUND_DETECTOR_GROUP_ID: groups.detector,
    TRACEHOUND_SINK_GROUP_ID: groups.sink,
  });
  const dataDir = scratchDir();
  const ch = createClickHouse({ dataDir, database: DB });
  let password = '';
  const api = await buildApi(apiOptions(cfg, { clickhouse: ch, ddl: { database: DB, retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, logger: silentLogger(), kafka: tk.kafka, onFirstAdmin: (_u, p) => (password = p) }));
  t.teardown(async () => {
    await api.close();
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const raw = topicName(tk.prefix, 'eventsRaw');
  const enriched = topicName(tk.prefix, 'eventsEnriched');
  await producer.send(raw, Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: Buffer.from('x'), partition: i % 2 })));
  await producer.send(enriched, Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: Buffer.from('x'), partition: i % 2 })));
  const admin = tk.kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: groups.enricher, topic: raw, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '5' }] });
  await admin.setOffsets({ groupId: groups.detector, topic: enriched, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '1' }] });
  // The default groups read these topics too, much further: a health view on them would say so.
  await admin.setOffsets({ groupId: 'tracehound-enricher', topic: raw, partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '5' }] });
  await admin.disconnect();

  const login = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
  const token = JSON.parse(login.body).token as string;
  const r = await api.app.inject({ method: 'GET', url: '/api/v1/pipeline/health', headers: { authorization: `Bearer ${token}` } });
  t.equal(r.statusCode, 200);
  const kafka = JSON.parse(r.body).kafka as { available: boolean; stages: Array<{ stage: string; group: string; topic: string; end: number; committed: number; lag: number }> };
  t.equal(kafka.available, true);
  const stage = (name: string, topic: string) => kafka.stages.find((s) => s.stage === name && s.topic === topic);
  t.match(stage('enricher', raw), { group: groups.enricher, end: 10, committed: 9, lag: 1 }, 'the configured enricher group, one record behind');
  t.match(stage('detector', enriched), { group: groups.detector, end: 6, committed: 4, lag: 2 });
  t.match(stage('sink', enriched), { group: groups.sink, end: 6, committed: 0, lag: 6 }, 'a configured group that never committed: all retained records to read');
  t.match(stage('sink', topicName(tk.prefix, 'alerts')), { group: groups.sink });
});
