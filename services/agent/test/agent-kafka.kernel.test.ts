import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tracehound/config';
import { silentLogger } from '@tracehound/logging';
import { eventually, testKafka } from '@tracehound/testkit';
import { rawEvents } from './fixtures/raw-events.js';
import { AgentAppConfig, buildAgent } from '../src/index.js';

const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : false;

t.test('the agent publishes Avro events to events.raw, keyed by node/container', { skip: why }, async (t) => {
  const tk = await testKafka('agent-kafka', ['eventsRaw', 'deadLetter']);
  const cfg = loadConfig(AgentAppConfig, {
    ...process.env, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_AGENT_OUTPUT: 'kafka', TRACEHOUND_AGENT_HTTP_PORT: '0',
    TRACEHOUND_DATA_DIR: mkdtempSync(join(tmpdir(), 'th-agent-kafka-')), TRACEHOUND_NODE_NAME: 'kafka-node', TRACEHOUND_AGENT_STATS_INTERVAL_MS: '1000',
  });
  const agent = await buildAgent(cfg, { log: silentLogger() });
  t.teardown(() => agent.close());
  await agent.ready();
  execFileSync('/bin/echo', ['th-kafka-marker']);

  const seen = await rawEvents(t, tk);

  const hit = await eventually(() => seen.find((s) => s.ev.kind === 'process_exec' && s.ev.process!.args[1] === 'th-kafka-marker'), 20_000, 'the exec in Kafka');
  t.equal(hit.key, 'kafka-node/host');
  t.equal(hit.ev.node, 'kafka-node');
  t.equal(hit.ev.enrichment, null, 'raw events are not enriched');
  const stats = await eventually(() => seen.find((s) => s.ev.kind === 'agent_stats'), 10_000, 'an agent_stats event');
  t.ok(stats.ev.stats!.interval_ms > 0);
  t.match(agent.status(), { output: 'kafka', programsAttached: Number });
});
