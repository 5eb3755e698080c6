import t from 'tap';
import { registry } from '@tracehound/metrics';
import { AgentCounters } from '../src/stats.js';

const exported = async () => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'tracehound_agent_events_total');
  return Object.fromEntries((m?.values ?? []).map((v) => [String(v.labels.kind), v.value]));
};

t.test('events by kind reach the Prometheus counter when it is read, once each', async (t) => {
  const c = new AgentCounters();
  for (let i = 0; i < 5; i++) c.event('process_exec');
  c.event('file_open');
  t.same(await exported(), { process_exec: 5, file_open: 1 });
  t.same(await exported(), { process_exec: 5, file_open: 1 }, 'a second read adds nothing');
  c.event('process_exec');
  t.same(await registry.metrics().then((s) => s.match(/^tracehound_agent_events_total\{kind="process_exec"\} (\d+)$/m)?.[1]), '6', 'the text format too');
  t.same(c.snapshot({ records: 0, bytes: 0, dropped: 0 }).events_by_kind, { process_exec: 6, file_open: 1 }, 'the interval counts are unchanged');
});
