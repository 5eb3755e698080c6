import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { topicName, valueSubject } from '@tracehound/kafka';
import { sampleAlert } from '@tracehound/schemas';
import { recordProducer, testKafka, stackConfig } from '@tracehound/testkit';
import { REPO_ROOT, tool } from '../src/tools.js';

/** The two SIEM consumer examples, run as a user runs them. */
const EXAMPLES = {
  node: () => [process.execPath, join(REPO_ROOT, 'examples/siem-consumer/consumer.mjs')],
  python: () => [tool('siem-python'), join(REPO_ROOT, 'examples/siem-consumer-python/consumer.py')],
};

interface Line {
  key: string;
  offset: string | number;
  schema_id?: number;
  value: { id: string; severity: string; rule: { id: string }; event: { ts: string } };
}

/** Runs an example until it has handled `max` records; its stdout and stderr lines. */
function runExample(argv: string[], args: string[], max: number): Promise<{ code: number | null; out: string[]; err: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, [...argv.slice(1), ...args, '--max-records', String(max)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.split('\n').filter(Boolean), err: err.split('\n').filter(Boolean) });
    });
  });
}

for (const [name, argv] of Object.entries(EXAMPLES)) {
  t.test(`the ${name} SIEM example reads alerts from the real broker through the real registry`, async (t) => {
    const tk = await testKafka(`siem-${name}`, ['alerts']);
    const rp = await recordProducer(tk);
    t.teardown(() => rp.producer.disconnect());
    const topic = topicName(tk.prefix, 'alerts');
    const first = sampleAlert({ id: 'alr-siem-1' });
    const second = sampleAlert({ id: 'alr-siem-2', severity: 'critical', event: { ...first.event, ts: 1_764_000_000_123_456_789n } });
    // Sent as Tracehound sends: LZ4-compressed batches, Confluent-framed Avro, the schema registered FULL.
    await rp.sendAlerts([first], () => 'pod-a');
    // A record that is not Confluent-framed Avro: the example reports it and goes on.
    await rp.producer.send(topic, [{ key: 'pod-a', value: Buffer.from('{"not":"avro"}') }]);
    await rp.sendAlerts([second], () => 'pod-a');

    const cfg = stackConfig();
    const run = await runExample(argv(), ['--brokers', cfg.TRACEHOUND_KAFKA_BROKERS, '--registry', cfg.TRACEHOUND_REGISTRY_URL, '--topic', topic, '--group', `${tk.prefix}.siem`], 3);
    t.equal(run.code, 0, 'stops by itself after --max-records');
    const lines = run.out.map((l) => JSON.parse(l) as Line);
    t.same(lines.map((l) => [String(l.offset), l.key, l.value.id]), [['0', 'pod-a', 'alr-siem-1'], ['2', 'pod-a', 'alr-siem-2']], 'both alerts, in order, with their keys');
    if (name === 'node') {
      const latest = await tk.registry.getLatestSchemaId(valueSubject(topic));
      t.ok(lines.every((l) => l.schema_id === latest), 'the writer schema id from the wire format is the registered one');
    }
    t.equal(lines[1]!.value.severity, 'critical');
    t.equal(lines[0]!.value.rule.id, first.rule.id);
    t.equal(lines[1]!.value.event.ts, '1764000000123456789', 'nanosecond timestamps exact, as decimal strings');
    // Record reports name their topic; other stderr lines are the Kafka client's own log (on a
    // fresh broker, e.g. "The group coordinator is not available" while it retries).
    const errors = run.err.map((l) => JSON.parse(l) as { topic?: string; offset: string | number; error: string }).filter((e) => e.topic !== undefined);
    t.same(errors.map((e) => String(e.offset)), ['1'], 'the undecodable record reported, with its offset');
    t.ok(errors[0]?.error, `and why: ${errors[0]?.error}`);
  });
}
