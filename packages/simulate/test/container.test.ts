import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCgroup2Mount } from '@tracehound/agent';
import { ImitatedPod, podCgroupPath } from '../src/index.js';

const root = findCgroup2Mount();
const why = process.getuid?.() !== 0 ? 'needs root (cgroups)' : !root ? 'no cgroup v2 mount' : false;

t.test('remove() kills what runs in the containers and removes the directories the pod made', { skip: why }, async (t) => {
  const pod = new ImitatedPod(root!);
  const preexisting = existsSync(join(root!, 'kubepods.slice'));
  const a = pod.container('a');
  const b = pod.container('b');
  const kids = [a, b].map((c) => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    writeFileSync(c.procs, String(child.pid));
    return child;
  });
  t.same(pod.pids().sort(), kids.map((k) => k.pid).sort(), 'both processes are inside');
  await pod.remove();
  t.same(kids.map((k) => k.signalCode), ['SIGKILL', 'SIGKILL'], 'both killed');
  t.notOk(existsSync(join(root!, podCgroupPath(pod.uid))), 'the pod directory is gone');
  t.equal(existsSync(join(root!, 'kubepods.slice')), preexisting, 'kubepods.slice removed only if the pod made it');
});

t.test('a slice another pod still uses is left to it; the last pod out removes its own', { skip: why }, async (t) => {
  const first = new ImitatedPod(root!);
  const preexisting = existsSync(join(root!, 'kubepods.slice/kubepods-besteffort.slice'));
  first.container('x');
  const second = new ImitatedPod(root!);
  const c = second.container('y');
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  writeFileSync(c.procs, String(child.pid));
  const slice = join(root!, podCgroupPath(first.uid), '..');
  await first.remove();
  t.notOk(existsSync(join(root!, podCgroupPath(first.uid))), 'the first pod directory is gone');
  t.ok(existsSync(slice), 'the shared QoS slice stays while the second pod is in it');
  await second.remove();
  t.notOk(existsSync(join(root!, podCgroupPath(second.uid))), 'the second pod directory is gone');
  t.equal(child.signalCode, 'SIGKILL');
  t.equal(existsSync(slice), preexisting, 'the last pod out removes the slices the pods made, and only those');
});
