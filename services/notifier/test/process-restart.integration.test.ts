import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchingProducer, topicName, valueSubject } from '@tracehound/kafka';
import { RecordCodec, sampleAlert } from '@tracehound/schemas';
import { Receiver, eventually, testKafka } from '@tracehound/testkit';

const root = fileURLToPath(new URL('../../../', import.meta.url));

t.test('tracehound notifier as a process: SIGTERM in the middle of a stream, restart, every alert exactly once (integration)', async (t) => {
  const tk = await testKafka('notifier-proc', ['alerts', 'notifyRoutes', 'notifyDeliveries', 'deadLetter']);
  const rx = new Receiver();
  const url = `${await rx.start()}/slow`;
  t.teardown(() => rx.stop());
  // A slow receiver (each answer after 30 ms), so the stream is still flowing when the signal comes.
  rx.always('/slow', { status: 200, delayMs: 30 });

  const producer = new BatchingProducer(tk.kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  await producer.send(topicName(tk.prefix, 'notifyRoutes'), [{ key: 'slow', value: JSON.stringify({ id: 'slow', name: 'Slow', output: { kind: 'webhook', settings: { url } } }) }]);
  const codec = new RecordCodec(tk.registry, 'tracehound.Alert');
  await codec.register(valueSubject(topicName(tk.prefix, 'alerts')));

  const env = {
    ...process.env, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_NOTIFIER_GROUP_ID: `${tk.prefix}.notifier`, TRACEHOUND_NOTIFIER_HTTP_PORT: '0', TRACEHOUND_LOG_LEVEL: 'warn',
  };
  const start = (): ChildProcess => spawn(process.execPath, ['bin/tracehound.js', 'notifier'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stopped = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code))));
  let proc = start();
  t.teardown(() => void (proc.exitCode === null && proc.kill('SIGKILL')));

  const N = 150;
  const ids = Array.from({ length: N }, (_, i) => `proc-${i}`);
  await producer.send(topicName(tk.prefix, 'alerts'), ids.map((id, i) => ({ key: `pod-${i % 5}`, value: codec.encode(sampleAlert({ id })) })));
  const received = () => rx.on('/slow').flatMap((r) => (JSON.parse(r.body) as { alerts: Array<{ id: string }> }).alerts.map((a) => a.id));
  await eventually(() => (received().length >= 30 ? true : undefined), 60_000, 'the first deliveries');
  proc.kill('SIGTERM');
  t.equal(await stopped(proc), 0, 'a clean exit on SIGTERM');
  const before = received().length;
  t.ok(before < N, `stopped in the middle of the stream (${before} of ${N} delivered)`);

  proc = start();
  await eventually(() => (new Set(received()).size === N ? true : undefined), 90_000, 'every alert after the restart');
  await new Promise((r) => setTimeout(r, 1_500));
  const all = received();
  t.equal(all.length, N, `no alert delivered twice (${all.length} deliveries for ${N} alerts)`);
  t.same([...new Set(all)].sort(), [...ids].sort(), 'and none lost');
  proc.kill('SIGTERM');
  await stopped(proc);
});
