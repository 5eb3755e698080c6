import t from 'tap';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, stackConfig, testKafka } from '@tracehound/testkit';
import { rawEvents } from './fixtures/raw-events.js';

const ENTRY = fileURLToPath(new URL('../bin/tracehound-agent.mjs', import.meta.url));
const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : false;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

t.test('the agent entry refuses an unknown flag or argument, naming it', async (t) => {
  for (const [args, named] of [[['--outptu', 'json'], /--outptu/], [['agent', 'extra'], /'extra'/], [['sink'], /'sink'/]] as const) {
    const r = spawnSync(process.execPath, [ENTRY, ...args], { encoding: 'utf8', timeout: 60_000 });
    t.equal(r.status, 64, args.join(' '));
    t.match(r.stderr, named);
  }
});

t.test('the agent entry runs the agent: events reach events.raw, SIGTERM stops it cleanly', { skip: why }, async (t) => {
  const tk = await testKafka('agent-entry', ['eventsRaw', 'deadLetter']);
  const port = await freePort();
  // As k8s/base/agent.yaml runs it.
  const child = spawn(process.execPath, ['--max-semi-space-size=4', '--single-threaded-gc', ENTRY, 'agent'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_KAFKA_BROKERS: stackConfig().TRACEHOUND_KAFKA_BROKERS, TRACEHOUND_AGENT_HTTP_PORT: String(port),
      TRACEHOUND_DATA_DIR: mkdtempSync(join(tmpdir(), 'th-agent-entry-')), TRACEHOUND_NODE_NAME: 'entry-node', TRACEHOUND_LOG_LEVEL: 'warn',
    },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));

  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok || undefined, 120_000, 'the agent ready');
  execFileSync('/bin/echo', ['th-entry-marker']);

  const seen = await rawEvents(t, tk);
  const hit = await eventually(() => seen.find((s) => s.ev.kind === 'process_exec' && s.ev.process!.args[1] === 'th-entry-marker'), 30_000, 'the exec in Kafka');
  t.equal(hit.key, 'entry-node/host');

  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  t.match(metrics, /^tracehound_kafka_produced_total\{[^}]*\} [1-9]/m, 'the agent counts what Kafka acknowledged');
  child.kill('SIGTERM');
  t.equal(await exited, 0, `exit code 0 (stderr: ${stderr.slice(-500)})`);
});
