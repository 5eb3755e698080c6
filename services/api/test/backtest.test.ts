import t from 'tap';
import { Type } from '@sinclair/typebox';
import { CommonConfig, DetectorConfig, loadConfig } from '@tracehound/config';
import { buildDetector } from '@tracehound/detector';
import { avroDecoder, topicName } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, sampleEnrichedEvent, type Alert, type Event } from '@tracehound/schemas';
import { eventually, recordProducer, testKafka } from '@tracehound/testkit';
import { storeEvents, testApi } from './helpers.js';

const base = { description: 'backtest equals the detector', severity: 'medium', tags: ['incubating'], output: '{kind} in {k8s.pod}' };
const kindIs = (kind: string) => ({ fact: 'kind', operator: 'equal', value: kind });
const RULES = [
  { ...base, id: 'bt-burst', name: 'Burst of opens', condition: kindIs('file_open'), stateful: { type: 'threshold', by: ['k8s.pod_uid'], count: 3, window_ms: 500 } },
  { ...base, id: 'bt-throttled', name: 'Exec, throttled', condition: kindIs('process_exec'), throttle: { by: ['k8s.pod_uid'], window_ms: 1000 } },
  { ...base, id: 'bt-marker', name: 'End of input', condition: kindIs('ptrace') },
];

/** Four pods, opens and execs at irregular gaps (10-370 ms), so windows sometimes fill and buckets repeat; then one marker per pod. */
function stream(t0: bigint): { events: Event[]; markers: Event[] } {
  const events: Event[] = [];
  const markers: Event[] = [];
  for (let pod = 0; pod < 4; pod++) {
    let ts = t0 + BigInt(pod) * 7_000_000n;
    const at = (kind: 'file_open' | 'process_exec' | 'ptrace', id: string) => {
      const e = sampleEnrichedEvent(kind, { id, ts });
      e.k8s = { ...e.k8s!, namespace: 'shop', pod: `web-${pod}`, pod_uid: `uid-${pod}` };
      return e;
    };
    for (let j = 0; j < 150; j++) {
      ts += BigInt(((j * 7 + pod * 3) % 5) * 90 + 10) * 1_000_000n;
      events.push(at(j % 3 === 2 ? 'process_exec' : 'file_open', `p${pod}-${j}`));
    }
    ts += 1_000_000_000n;
    markers.push(at('ptrace', `marker-${pod}`));
  }
  return { events, markers };
}

t.test('backtest raises the alerts the live detector raises: a threshold rule and a throttled rule over the same events (integration)', async (t) => {
  const tk = await testKafka('api-backtest-live', ['eventsEnriched', 'alerts', 'rules', 'deadLetter']);
  const cfg = {
    ...loadConfig(Type.Composite([CommonConfig, DetectorConfig])),
    TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_DETECTOR_GROUP_ID: `${tk.prefix}.detector`, TRACEHOUND_DETECTOR_SEED_RULES: false, TRACEHOUND_TOPIC_PARTITIONS: 3,
  };
  const detector = buildDetector(cfg, { kafka: tk.kafka, logger: silentLogger() });
  await detector.start();
  t.teardown(() => detector.close());
  const alerts: Alert[] = [];
  const decode = avroDecoder(new RecordCodec(tk.registry, 'tracehound.Alert'));
  const collector = tk.kafka.consumer({ groupId: `${tk.prefix}.collector` });
  await collector.connect();
  await collector.subscribe({ topics: [topicName(tk.prefix, 'alerts')], fromBeginning: true });
  await collector.run({ eachMessage: async ({ message, topic }) => void alerts.push((await decode(message, topic)) as Alert) });
  t.teardown(() => collector.disconnect());

  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix }, backtest: { maxEvents: 1_000_000, timeoutMs: 30_000 } });
  await a.api.kafkaReady;
  for (const r of RULES) t.equal((await a.send('POST', '/api/v1/rules', a.admin, r)).status, 201, `rule ${r.id} created`);
  await eventually(() => (RULES.every((r) => detector.store.set.get(r.id)) ? true : undefined), 20_000, 'the detector has the rules');

  const t0 = BigInt(Date.now() - 120_000) * 1_000_000n;
  const { events, markers } = stream(t0);
  const producer = await recordProducer(tk);
  t.teardown(() => producer.producer.disconnect());
  await producer.sendEvents([...events, ...markers]);
  await eventually(() => (markers.every((m) => alerts.some((al) => al.event.id === m.id)) ? true : undefined), 60_000, 'the detector evaluated every pod up to its marker');
  await storeEvents(a.ch, events);

  const from = new Date(Number(t0 / 1_000_000n) - 1_000).toISOString();
  for (const id of ['bt-burst', 'bt-throttled']) {
    const live = [...new Set(alerts.filter((al) => al.rule.id === id).map((al) => al.event.id))].sort();
    const r = await a.send('POST', '/api/v1/rules/backtest', a.admin, { ruleId: id, from, limit: 1000 });
    t.equal(r.status, 200);
    const replayed = r.body.matches.map((m: { id: string }) => m.id).sort();
    const condition = events.filter((e) => e.kind === (id === 'bt-burst' ? 'file_open' : 'process_exec')).length;
    t.ok(live.length > 4 && live.length < condition, `${id}: the detector raised ${live.length} alerts for ${condition} matching events`);
    t.equal(r.body.matched, live.length, `${id}: as many matches as live alerts`);
    t.same(replayed, live, `${id}: the same triggering events as the live detector`);
  }
});
