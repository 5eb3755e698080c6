import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { findCgroup2Mount } from '@tracehound/agent';
import { kubeUp, loadKubeSettings, loadKubeconfig } from '@tracehound/kube';
import { testKafka } from '@tracehound/testkit';
import { podCgroupPath } from '../src/index.js';

const CLI = fileURLToPath(new URL('../../../bin/tracehound.js', import.meta.url));
const why = process.getuid?.() !== 0 ? 'needs root (cgroups, namespaces)' : !findCgroup2Mount() ? 'no cgroup v2 mount' : false;

t.test('no platform on the topic prefix: a clear error, nothing made', { skip: why }, async (t) => {
  const child = spawn(process.execPath, [CLI, 'simulate', 'ptrace'], { env: { ...process.env, TRACEHOUND_TOPIC_PREFIX: 'test.simulate-nothing-here' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  t.equal(code, 1);
  t.match(err, /^tracehound: no topic test\.simulate-nothing-here\.alerts on the broker: is the platform running \(tracehound up\) with this TRACEHOUND_TOPIC_PREFIX\?\n$/);
});

t.test('Ctrl-C while waiting for alerts: the pod object, the cgroups and the files it made are gone, exit 130', { skip: why }, async (t) => {
  const kube = await kubeUp(loadKubeSettings());
  const namespace = 'tracehound-simulate-test';
  const tk = await testKafka('simulate-int', ['alerts']);
  // A topic prefix no platform consumes: no alert will ever come, so it is still waiting when interrupted.
  const child = spawn(process.execPath, [CLI, 'simulate', 'sensitive-file-read', 'log-clearing', 'tmp-drop-exec'], {
    env: { ...process.env, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_KUBECONFIG: kube.kubeconfig, TRACEHOUND_SIMULATE_NAMESPACE: namespace, TRACEHOUND_SIMULATE_TIMEOUT_MS: '120000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('tmp-drop-exec: done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.match(out, /pod tracehound-simulate-test\/(simulate-[a-z0-9]+) \(uid ([0-9a-f-]{36})\)/, out);
  const [, pod, uid] = /pod [^/]+\/(\S+) \(uid ([0-9a-f-]+)\)/.exec(out) ?? [];
  const core = loadKubeconfig(kube.kubeconfig).makeApiClient(CoreV1Api);
  t.ok(existsSync(join(findCgroup2Mount()!, podCgroupPath(uid!))), 'the pod cgroup exists while it runs');
  t.ok(await core.readNamespacedPod({ namespace, name: pod! }).then(() => true, () => false), 'the pod object exists while it runs');

  child.kill('SIGINT');
  t.equal(await exited, 130, 'exit 130');
  t.match(out, /SIGINT: cleaning up/);
  t.notMatch(out, /cleanup problems/, 'every cleanup step succeeded');
  t.notOk(existsSync(join(findCgroup2Mount()!, podCgroupPath(uid!))), 'the pod cgroup is removed');
  t.notOk(await core.readNamespacedPod({ namespace, name: pod! }).then(() => true, () => false), 'the pod object is deleted');
  t.same(readdirSync('/tmp').filter((f) => f.startsWith('tracehound-simulate-')), [], 'no work dir left in /tmp');
  t.same(readdirSync('/var/log').filter((f) => f.startsWith('tracehound-simulate-')), [], 'no log file left in /var/log');
});
