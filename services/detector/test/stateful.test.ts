import t from 'tap';
import { Detection } from '../src/handlers/detection.js';
import { at, baseRule, ruleSet } from './fixtures/rules.js';

const failed = { net: { family: 'inet', socket_type: 1, protocol: 6, direction: 'outbound', src_addr: null, src_port: 0, dst_addr: '10.0.0.9', dst_port: 22, result: -111 } } as const;

const thresholdSet = ruleSet({
  rules: [{
    ...baseRule, id: 'burst', output: '{stateful.count} failures in {k8s.pod}',
    condition: { all: [{ fact: 'kind', operator: 'equal', value: 'net_connect' }, { fact: 'net.result', operator: 'lessThan', value: 0 }] },
    stateful: { type: 'threshold', by: ['k8s.pod_uid'], count: 5, window_ms: 1000 },
  }],
});

function detector() {
  const d = new Detection({ maxKeys: 100 });
  d.setRules(thresholdSet);
  return d;
}

t.test('threshold: fires on the 5th match within the window, not before', async (t) => {
  const d = detector();
  const alerts = [0, 100, 200, 300, 400].map((ms, i) => d.process(at('net_connect', ms, `e${i}`, failed), 0, BigInt(i)));
  t.same(alerts.map((a) => a.length), [0, 0, 0, 0, 1]);
  const a = alerts[4]![0]!;
  t.equal(a.stateful?.type, 'threshold');
  t.equal(a.stateful?.count, 5);
  t.same(a.stateful?.event_ids, ['e0', 'e1', 'e2', 'e3', 'e4']);
  t.equal(a.message, '5 failures in web-7d4b9c-xk2lp');
});

t.test('threshold: matches spread wider than the window, other pods and non-matching events do not fire', async (t) => {
  const d = detector();
  let n = 0;
  for (let i = 0; i < 10; i++) n += d.process(at('net_connect', i * 300, `s${i}`, failed), 0, BigInt(i)).length; // 5 span 1200 ms
  t.equal(n, 0, 'spread');
  for (let i = 0; i < 4; i++) n += d.process(at('net_connect', 5000 + i, `a${i}`, failed, 'pod-a'), 0, 100n + BigInt(i)).length;
  for (let i = 0; i < 4; i++) n += d.process(at('net_connect', 5000 + i, `b${i}`, failed, 'pod-b'), 0, 200n + BigInt(i)).length;
  t.equal(n, 0, '4 + 4 in two pods');
  n += d.process(at('net_connect', 5005, 'ok', { net: { ...failed.net, result: 0 } }), 0, 300n).length;
  t.equal(n, 0, 'a successful connect does not count');
  t.equal(d.process(at('net_connect', 5006, 'a4', failed, 'pod-a'), 0, 301n).length, 1, 'the 5th of pod-a fires');
});

t.test('threshold: a flood alerts once per window bucket, with an id that replays identically', async (t) => {
  const run = () => {
    const d = detector();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) for (const a of d.process(at('net_connect', i * 10, `f${i}`, failed), 0, BigInt(i))) ids.push(a.id);
    return ids;
  };
  const first = run();
  t.ok(first.length >= 1 && first.length <= 2, `${first.length} alerts for 100 failures in 1 s`);
  t.same(run(), first, 'the same events give the same alert ids');
});

t.test('threshold: holdback names the oldest offset a live window needs, and releases it when the window closes', async (t) => {
  const d = detector();
  d.process(at('net_connect', 0, 'h0', failed), 3, 40n);
  d.process(at('net_connect', 100, 'h1', failed), 3, 41n);
  d.process(at('process_exec', 150, 'x'), 3, 42n);
  t.equal(d.holdback(3), 40n);
  t.equal(d.holdback(4), undefined, 'other partitions hold nothing');
  d.process(at('process_exec', 1050, 'late'), 3, 43n);
  t.equal(d.holdback(3), 41n, 'the first hit left the window');
  d.process(at('process_exec', 5000, 'later'), 3, 44n);
  t.equal(d.holdback(3), undefined);
});

t.test('threshold: state is bounded by max keys; the oldest key is evicted', async (t) => {
  const d = new Detection({ maxKeys: 10 });
  d.setRules(thresholdSet);
  for (let i = 0; i < 50; i++) d.process(at('net_connect', i, `k${i}`, failed, `pod-${i}`), 0, BigInt(i));
  t.equal(d.stateSizes()['burst@1'], 10);
});

const sequenceSet = ruleSet({
  rules: [{
    ...baseRule, id: 'seq', output: 'sequence of {stateful.count} in {k8s.pod}',
    condition: { fact: 'k8s.pod_uid', operator: 'notEqual', value: null },
    stateful: {
      type: 'sequence', by: ['k8s.pod_uid'], within_ms: 1000,
      steps: [
        { name: 'shell', condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }, { fact: 'process.comm', operator: 'equal', value: 'bash' }] } },
        { name: 'connect', condition: { fact: 'kind', operator: 'equal', value: 'net_connect' } },
      ],
    },
  }],
});

function seq(events: ReturnType<typeof at>[]) {
  const d = new Detection({ maxKeys: 100 });
  d.setRules(sequenceSet);
  return events.flatMap((e, i) => d.process(e, 0, BigInt(i)));
}

t.test('sequence: A then B in the same pod within the window fires once', async (t) => {
  const alerts = seq([at('process_exec', 0, 'a'), at('file_open', 100, 'noise'), at('net_connect', 500, 'b'), at('net_connect', 600, 'b2')]);
  t.equal(alerts.length, 1);
  t.same(alerts[0]!.stateful?.event_ids, ['a', 'b']);
  t.equal(alerts[0]!.message, 'sequence of 2 in web-7d4b9c-xk2lp');
});

t.test('sequence: B before A, B too late, or B in another pod do not fire', async (t) => {
  t.equal(seq([at('net_connect', 0, 'b'), at('process_exec', 100, 'a')]).length, 0, 'wrong order');
  t.equal(seq([at('process_exec', 0, 'a'), at('net_connect', 1500, 'b')]).length, 0, 'too late');
  t.equal(seq([at('process_exec', 0, 'a', {}, 'pod-a'), at('net_connect', 100, 'b', {}, 'pod-b')]).length, 0, 'another pod');
});

t.test('sequence: the latest A counts, so A, A (late), B fires within the window', async (t) => {
  const alerts = seq([at('process_exec', 0, 'a1'), at('process_exec', 900, 'a2'), at('net_connect', 1500, 'b')]);
  t.equal(alerts.length, 1);
  t.same(alerts[0]!.stateful?.event_ids, ['a2', 'b']);
});

t.test('sequence: holdback keeps the start of a live chain', async (t) => {
  const d = new Detection({ maxKeys: 100 });
  d.setRules(sequenceSet);
  d.process(at('process_exec', 0, 'a'), 1, 7n);
  d.process(at('file_open', 10, 'x'), 1, 8n);
  t.equal(d.holdback(1), 7n);
  d.process(at('file_open', 2000, 'y'), 1, 9n);
  t.equal(d.holdback(1), undefined, 'an expired chain holds nothing');
});

const tunedSet = ruleSet({
  rules: [{
    ...baseRule, id: 'tuned',
    condition: { fact: 'kind', operator: 'equal', value: 'process_exec' },
    throttle: { by: ['k8s.pod_uid'], window_ms: 1000 },
    exceptions: [{ name: 'ci_runner', fields: ['k8s.namespace', 'process.exe'], comps: ['equal', 'startsWith'], values: [['ci', '/usr/bin/']] }],
  }],
});

t.test('throttle: one alert per key per window, with a window-based id', async (t) => {
  const d = new Detection({ maxKeys: 100 });
  d.setRules(tunedSet);
  const n = (ms: number, pod: string) => d.process(at('process_exec', ms, `t${ms}${pod}`, {}, pod), 0, 0n).length;
  t.equal(n(0, 'a'), 1);
  t.equal(n(10, 'a'), 0, 'throttled');
  t.equal(n(20, 'b'), 1, 'another key is not throttled');
  t.equal(n(1000, 'a'), 1, 'the next window alerts again');
});

t.test('exceptions: a matching row silences the rule, a partial match does not', async (t) => {
  const d = new Detection({ maxKeys: 100 });
  d.setRules(tunedSet);
  const k8s = { ...at('process_exec', 0, 'x').k8s!, namespace: 'ci' };
  t.equal(d.process(at('process_exec', 0, 'x1', { k8s }), 0, 0n).length, 0, 'ci namespace + /usr/bin/ exe');
  const other = at('process_exec', 5000, 'x2', { k8s });
  other.process = { ...other.process!, exe: '/tmp/evil' };
  t.equal(d.process(other, 0, 0n).length, 1, 'exe outside the exception');
});

t.test('alert ids: same rule version + event give the same id; a new version gives another', async (t) => {
  const ev = at('process_exec', 0, 'same');
  const d1 = new Detection({ maxKeys: 10 });
  d1.setRules(ruleSet({ rules: [{ ...baseRule, id: 'r', condition: { fact: 'kind', operator: 'equal', value: 'process_exec' } }] }));
  const d2 = new Detection({ maxKeys: 10 });
  d2.setRules(ruleSet({ rules: [{ ...baseRule, id: 'r', condition: { fact: 'kind', operator: 'equal', value: 'process_exec' } }] }));
  const d3 = new Detection({ maxKeys: 10 });
  d3.setRules(ruleSet({ rules: [{ ...baseRule, id: 'r', version: 2, condition: { fact: 'kind', operator: 'equal', value: 'process_exec' } }] }));
  const [a1, a2, a3] = [d1, d2, d3].map((d) => d.process(ev, 0, 0n)[0]!);
  t.equal(a1.id, a2.id);
  t.not(a1.id, a3.id);
  t.equal(a1.rule.version, 1);
  t.equal(a3.rule.version, 2);
});
