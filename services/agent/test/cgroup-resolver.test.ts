import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupResolver, findCgroup2Mount } from '../src/cgroup-resolver.js';

const root = findCgroup2Mount();
const ID = 'ab'.repeat(32);
const UID = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';

t.test('a process moved into a containerd-shaped cgroup resolves to its container', { skip: root && process.getuid?.() === 0 ? false : 'needs root and a cgroup v2 mount' }, async (t) => {
  const rel = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${ID}.scope`;
  const dir = join(root!, rel);
  mkdirSync(dir, { recursive: true });
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(async () => {
    const reaped = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await reaped; // a killed child keeps its cgroup populated until it is reaped
    // This test's own scope and pod directory go, innermost first; the QoS and kubepods slices may
    // hold other pods' directories.
    rmdirSync(dir);
    rmdirSync(join(root!, rel.slice(0, rel.lastIndexOf('/'))));
    for (const p of ['/kubepods.slice/kubepods-besteffort.slice', '/kubepods.slice']) {
      try { rmdirSync(join(root!, p)); } catch { /* shared or pre-existing */ }
    }
  });
  writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
  const cgroupId = statSync(dir).ino;
  const r = new CgroupResolver(root);
  const got = r.resolve(cgroupId, child.pid!);
  t.equal(got.path, rel);
  t.same(got.container, { containerId: ID, runtime: 'containerd', podUid: UID });

  // After the process is gone the tree walk still finds the cgroup by its inode.
  const fresh = new CgroupResolver(root);
  t.same(fresh.resolve(cgroupId, 999_999_999).container?.containerId, ID);
  t.ok(existsSync(dir));
});

t.test('host processes have no container', { skip: root ? false : 'no cgroup v2 mount' }, async (t) => {
  const r = new CgroupResolver(root);
  const self = statSync(join(root!, (await import('node:fs')).readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3))).ino;
  t.equal(r.resolve(self, process.pid).container, null);
});
