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
  t.teardown(() => {
    child.kill('SIGKILL');
    // Move nothing back: the child is dead, the cgroup empties and can be removed, innermost first.
    setTimeout(() => {
      for (let p = rel; p !== '' && p !== '/kubepods.slice'; p = p.slice(0, p.lastIndexOf('/'))) {
        try { rmdirSync(join(root!, p)); } catch { /* still busy or not ours */ }
      }
      try { rmdirSync(join(root!, '/kubepods.slice')); } catch { /* pre-existing */ }
    }, 100);
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
