import t from 'tap';
import { parseCgroupPath } from '../src/container-id.js';

const ID = '3f4e5d6c7b8a99887766554433221100ffeeddccbbaa99887766554433221100';
const UID = '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

t.test('runtime forms', async (t) => {
  t.same(parseCgroupPath(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${ID}.scope`), { containerId: ID, runtime: 'containerd', podUid: UID }, 'containerd, systemd driver');
  t.same(parseCgroupPath(`/kubepods/besteffort/pod${UID}/${ID}`), { containerId: ID, runtime: 'unknown', podUid: UID }, 'cgroupfs driver');
  t.same(parseCgroupPath(`/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice/crio-${ID}.scope`), { containerId: ID, runtime: 'cri-o', podUid: UID }, 'CRI-O, guaranteed QoS');
  t.same(parseCgroupPath(`/system.slice/docker-${ID}.scope`), { containerId: ID, runtime: 'docker', podUid: null }, 'docker, systemd driver');
  t.same(parseCgroupPath(`/docker/${ID}`), { containerId: ID, runtime: 'docker', podUid: null }, 'docker, cgroupfs driver');
  t.same(parseCgroupPath(`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`), { containerId: ID, runtime: 'podman', podUid: null }, 'podman');
});

t.test('host processes and look-alikes are not containers', async (t) => {
  t.equal(parseCgroupPath('/'), null);
  t.equal(parseCgroupPath('/system.slice/ssh.service'), null);
  t.equal(parseCgroupPath('/user.slice/user-0.slice/session-3.scope'), null);
  t.equal(parseCgroupPath(`/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice/crio-conmon-${ID}.scope`), null, 'CRI-O conmon');
  t.equal(parseCgroupPath(`/system.slice/cri-containerd-${ID.slice(0, 60)}.scope`), null, 'short id');
  t.equal(parseCgroupPath(`/system.slice/cri-containerd-${ID.toUpperCase()}.scope`), null, 'upper-case is not a runtime id');
});
