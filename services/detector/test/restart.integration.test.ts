import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Event } from '@tracehound/schemas';
import { eventually } from '@tracehound/testkit';
import { buildDetector } from '../src/app.js';
import { Detection } from '../src/handlers/detection.js';
import { at, baseRule, ruleSet } from './fixtures/rules.js';
import { detectorKafka } from './fixtures/kafka.js';

const failed = (id: string, ms: number, pod: string) => at('net_connect', ms, id, { net: { family: 'inet', socket_type: 1, protocol: 6, direction: 'outbound', src_addr: null, src_port: 0, dst_addr: '10.0.0.9', dst_port: 22, result: -111 } }, pod);
const RULES = {
  marker: { ...baseRule, id: 'marker', condition: { fact: 'kind', operator: 'equal', value: 'ptrace' } },
  burst: {
    ...baseRule, id: 'burst', output: '{stateful.count} failures',
    condition: { all: [{ fact: 'kind', operator: 'equal', value: 'net_connect' }, { fact: 'net.result', operator: 'lessThan', value: 0 }] },
    stateful: { type: 'threshold', by: ['k8s.pod_uid'], count: 3, window_ms: 60_000 },
  },
  seq: {
    ...baseRule, id: 'seq', output: 'sequence',
    condition: { fact: 'k8s.pod_uid', operator: 'notEqual', value: null },
    stateful: { type: 'sequence', by: ['k8s.pod_uid'], within_ms: 60_000, steps: [
      { name: 'exec', condition: { fact: 'kind', operator: 'equal', value: 'process_exec' } },
      { name: 'connect', condition: { all: [{ fact: 'kind', operator: 'equal', value: 'net_connect' }, { fact: 'net.result', operator: 'equal', value: 0 }] } },
    ] },
  },
  execs: { ...baseRule, id: 'execs', condition: { fact: 'kind', operator: 'equal', value: 'process_exec' } },
};

t.test('threshold and sequence windows open before a restart complete after it (state rebuilt by replay)', async (t) => {
  const k = await detectorKafka('restart');
  t.teardown(() => k.close());
  for (const [id, r] of Object.entries(RULES)) await k.sendRule(id, r);
  const first = buildDetector(k.settings, { kafka: k.kafka, logger: k.logger });
  await first.start();
  await k.sendEvents([at('process_exec', 0, 'a', {}, 'pod-r'), failed('f1', 10, 'pod-r'), failed('f2', 20, 'pod-r'), at('ptrace', 30, 'm1', {}, 'pod-r')]);
  await eventually(() => (k.alerts.some((a) => a.event.id === 'm1') ? true : undefined), 30_000, 'first batch evaluated');
  t.notOk(k.alerts.some((a) => a.rule.id === 'burst' || a.rule.id === 'seq'), 'nothing stateful fired yet');
  await first.close();

  const second = buildDetector(k.settings, { kafka: k.kafka, logger: k.logger });
  t.teardown(() => second.close());
  await second.start();
  await k.sendEvents([at('net_connect', 40, 'b', {}, 'pod-r'), failed('f3', 50, 'pod-r'), at('ptrace', 60, 'm2', {}, 'pod-r')]);
  await eventually(() => (k.alerts.some((a) => a.event.id === 'm2') ? true : undefined), 30_000, 'second batch evaluated');
  const seq = k.alerts.filter((a) => a.rule.id === 'seq');
  const burst = k.alerts.filter((a) => a.rule.id === 'burst');
  t.equal(new Set(seq.map((a) => a.id)).size, 1, 'the sequence fired once');
  t.same(seq[0]?.stateful?.event_ids, ['a', 'b']);
  t.equal(new Set(burst.map((a) => a.id)).size, 1, 'the threshold fired once');
  t.same(burst[0]?.stateful?.event_ids, ['f1', 'f2', 'f3']);
  // The replayed events re-sent their stateless alerts under the same ids: one per event downstream.
  t.equal(new Set(k.alerts.filter((a) => a.rule.id === 'execs').map((a) => a.id)).size, 1);
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

function spawnDetector(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['bin/tracehound.js', 'detector'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] });
}

t.test('a detector killed mid-stream and restarted yields every alert exactly once by id', async (t) => {
  const k = await detectorKafka('kill');
  t.teardown(() => k.close());
  for (const [id, r] of Object.entries(RULES)) await k.sendRule(id, r);
  // 4000 events over 40 pods: execs (stateless), failed connects (threshold), exec→connect (sequence).
  const events: Event[] = [];
  for (let i = 0; i < 4000; i++) {
    const pod = `pod-${i % 40}`;
    const ms = Math.floor(i / 40) * 50;
    const kind = i % 7;
    events.push(kind < 2 ? at('process_exec', ms, `x${i}`, {}, pod) : kind < 6 ? failed(`f${i}`, ms, pod) : at('net_connect', ms, `c${i}`, {}, pod));
  }
  const offline = new Detection({ maxKeys: 10_000 });
  offline.setRules(ruleSet({ rules: Object.values(RULES) }));
  const expected = new Set(events.flatMap((e, i) => offline.process(e, 0, BigInt(i)).map((a) => a.id)));

  const env = Object.fromEntries(Object.entries(k.settings).map(([key, v]) => [key, String(v)]));
  let child = spawnDetector(env);
  t.teardown(() => void child.kill('SIGKILL'));
  await k.sendEvents(events.slice(0, 2000));
  await eventually(() => (k.alerts.length > 50 ? true : undefined), 60_000, 'first alerts');
  await k.sendEvents(events.slice(2000));
  child.kill('SIGKILL'); // mid-stream: some batches evaluated, some alerts sent, some offsets not committed
  await new Promise((r) => child.once('exit', r));
  t.ok(new Set(k.alerts.map((a) => a.id)).size < expected.size, 'killed before finishing');
  child = spawnDetector(env);
  await eventually(() => (new Set(k.alerts.map((a) => a.id)).size >= expected.size ? true : undefined), 90_000, `all ${expected.size} alerts`);
  await new Promise((r) => setTimeout(r, 1500)); // anything extra would show up now
  const got = new Set(k.alerts.map((a) => a.id));
  t.equal(got.size, expected.size, `${expected.size} distinct alerts (${k.alerts.length} records incl. re-sent ones)`);
  t.same([...got].filter((id) => !expected.has(id)), [], 'no alert id that an uninterrupted run would not give');
  t.ok([...k.alerts].some((a) => a.rule.id === 'burst') && k.alerts.some((a) => a.rule.id === 'seq'), 'stateful alerts among them');
});
