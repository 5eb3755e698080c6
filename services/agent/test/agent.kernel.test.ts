import t from 'tap';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tracehound/config';
import { silentLogger } from '@tracehound/logging';
import { fromJson, type Event } from '@tracehound/schemas';
import { eventually, metricValue } from '@tracehound/testkit';
import { AgentAppConfig, DEFAULT_LOADER, buildAgent, type Agent } from '../src/index.js';
import { findCgroup2Mount } from '../src/cgroup-resolver.js';

const WORKLOAD = fileURLToPath(new URL('../imitations/workload.py', import.meta.url));
const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF at /sys/kernel/btf/vmlinux' : false;
if (why) t.comment(`skipping kernel tests: ${why}`);

const events: Event[] = [];
let agent: Agent;

t.before(async () => {
  if (why) return;
  t.ok(existsSync(DEFAULT_LOADER), `loader built at ${DEFAULT_LOADER} (bpf/build.sh)`);
  const out = new PassThrough();
  let buf = '';
  out.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      events.push(fromJson('tracehound.Event', JSON.parse(buf.slice(0, nl))));
      buf = buf.slice(nl + 1);
    }
  });
  const cfg = loadConfig(AgentAppConfig, { TRACEHOUND_AGENT_OUTPUT: 'json', TRACEHOUND_AGENT_HTTP_PORT: '0', TRACEHOUND_DATA_DIR: t.testdir(), TRACEHOUND_NODE_NAME: 'test-node', TRACEHOUND_AGENT_STATS_INTERVAL_MS: '1000' });
  agent = await buildAgent(cfg, { log: silentLogger(), stdout: out });
  await agent.ready();
});
t.teardown(async () => agent?.close());

const find = (what: string, pred: (e: Event) => boolean, timeoutMs = 10_000) => eventually(() => events.find(pred), timeoutMs, what);
const opts = { skip: why };

t.test('a command with arguments: exec with argv, exe, cwd, ids, ancestry and wall-clock time', opts, async (t) => {
  const before = BigInt(Date.now()) * 1_000_000n;
  execFileSync('/bin/echo', ['th-marker-1', 'two words', 'x\ny'], { cwd: '/tmp' });
  const ev = await find('exec of echo', (e) => e.kind === 'process_exec' && e.process!.args[1] === 'th-marker-1');
  t.same(ev.process!.args, ['/bin/echo', 'th-marker-1', 'two words', 'x\ny']);
  t.match(ev.process!.exe, /\/echo$/);
  t.equal(ev.exec!.filename, '/bin/echo');
  t.equal(ev.process!.cwd, '/tmp');
  t.equal(ev.process!.uid, 0);
  t.equal(ev.process!.ppid, process.pid);
  t.equal(ev.process!.ancestors[0]!.pid, process.pid, 'parent is this test process');
  t.equal(ev.node, 'test-node');
  t.ok(ev.ts >= before - 1_000_000_000n && ev.ts <= BigInt(Date.now()) * 1_000_000n + 1_000_000_000n, 'ts is wall-clock ns');
  t.match(ev.id, /^[0-9a-f]{12}-[0-9a-f]{16}-[0-9a-f]{8}-01$/);
  t.ok(ev.process!.ns.mnt > 0 && ev.process!.ns.pid > 0);
  const exit = await find('its exit', (e) => e.kind === 'process_exit' && e.process!.pid === ev.process!.pid);
  t.equal(exit.exit!.code, 0);
});

t.test('a read of /etc/shadow and a write under /etc', opts, async (t) => {
  execFileSync('/bin/cat', ['/etc/shadow'], { stdio: 'ignore' });
  const read = await find('open of /etc/shadow', (e) => e.kind === 'file_open' && e.file!.path === '/etc/shadow' && e.process!.comm === 'cat');
  t.equal(read.file!.flags & 3, 0, 'read-only');
  t.ok(read.file!.result >= 0);
  const target = '/etc/tracehound-agent-test.conf';
  t.teardown(() => rmSync(target, { force: true }));
  execFileSync('/bin/sh', ['-c', `echo hello > ${target}`]);
  const write = await find('write under /etc', (e) => e.kind === 'file_write' && e.file!.path === target);
  t.ok(write.file!.flags & 0o100, 'O_CREAT');
});

t.test('a TCP connect to a local listener and its accept', opts, async (t) => {
  const port = Number(execFileSync('python3', [WORKLOAD, 'tcp'], { encoding: 'utf8' }).trim());
  const conn = await find('outbound connect', (e) => e.kind === 'net_connect' && e.net!.dst_port === port);
  t.match(conn.net, { family: 'inet', direction: 'outbound', dst_addr: '127.0.0.1', src_addr: '127.0.0.1' });
  const acc = await find('inbound accept', (e) => e.kind === 'net_accept' && (e.net!.src_port === port || e.net!.dst_port === port));
  t.equal(acc.net!.direction, 'inbound');
  await find('listen', (e) => e.kind === 'net_listen' && e.net!.src_port === port);
});

t.test('a setuid change records old and new ids', opts, async (t) => {
  const child = spawnSync('python3', [WORKLOAD, 'setuid']);
  t.equal(child.status, 0);
  const ev = await find('setresuid', (e) => e.kind === 'priv_change' && e.privilege!.op === 'setresuid' && e.process!.comm === 'python3' && e.privilege!.new_uid === 65534);
  t.match(ev.privilege, { old_uid: 0, old_euid: 0, new_euid: 65534, result: 0 });
});

t.test('a ptrace attach to a child', opts, async (t) => {
  const target = Number(execFileSync('python3', [WORKLOAD, 'ptrace'], { encoding: 'utf8' }).trim());
  const ev = await find('PTRACE_ATTACH', (e) => e.kind === 'ptrace' && e.ptrace!.target_pid === target && e.ptrace!.request_name === 'PTRACE_ATTACH');
  t.equal(ev.ptrace!.result, 0);
});

t.test('unshare of a namespace', opts, async (t) => {
  execFileSync('unshare', ['-n', '/bin/true']);
  const ev = await find('unshare', (e) => e.kind === 'namespace_change' && e.namespace_change!.op === 'unshare' && e.process!.comm === 'unshare');
  t.ok(ev.namespace_change!.flags & 0x40000000, 'CLONE_NEWNET');
});

t.test('a dangerous capability check: reported once per process and capability within the interval', opts, async (t) => {
  const set = await agent.command('set cap_interval_ms 1500');
  t.equal(set.ok, true, set.text);
  t.teardown(() => agent.command('set cap_interval_ms 60000').then(() => undefined));
  // Three raw sockets at once, a fourth 2.5 s later: CAP_NET_RAW is checked four times.
  const heldBack = () => metricValue('tracehound_agent_capability_checks_held_back_total', { capability: 'CAP_NET_RAW' });
  const heldBefore = await heldBack();
  const pid = Number(execFileSync('python3', [WORKLOAD, 'rawsock', '2.5'], { encoding: 'utf8' }).trim());
  const mine = () => events.filter((e) => e.kind === 'capability_use' && e.process!.pid === pid && e.capability!.cap === 13);
  await eventually(() => (mine().length >= 2 ? true : undefined), 10_000, 'two CAP_NET_RAW reports');
  const got = mine();
  t.equal(got.length, 2, 'the first check, then the first one after the interval; the two between held back');
  t.match(got[0]!.capability, { name: 'CAP_NET_RAW', granted: true });
  t.equal(got[0]!.process!.comm, 'python3');
  t.ok(got[1]!.ts - got[0]!.ts >= 2_000_000_000n, 'the second report is the check after the pause');
  t.ok((await heldBack()) - heldBefore >= 2, 'the two held back are counted when the next one is reported');
});

t.test('an execution of a memfd', opts, async (t) => {
  execFileSync('python3', [WORKLOAD, 'memfd']);
  await find('memfd_create', (e) => e.kind === 'memfd_create' && e.memfd!.name.includes('th-fileless'));
  const ev = await find('exec of the memfd', (e) => e.kind === 'process_exec' && e.process!.args[0] === 'th-fileless-true');
  t.equal(ev.exec!.exe_memfd, true);
});

t.test('a socket duped onto stdout', opts, async (t) => {
  const port = Number(execFileSync('python3', [WORKLOAD, 'dupsock'], { encoding: 'utf8' }).trim());
  const ev = await find('dup2 of a socket onto fd 1', (e) => e.kind === 'fd_dup_socket' && e.dup!.newfd === 1 && e.dup!.remote_port === port);
  t.match(ev.dup, { op: 'dup2', socket_family: 'inet', remote_addr: '127.0.0.1' });
});

t.test('a file made executable in /tmp and run', opts, async (t) => {
  const dir = join('/tmp', `th-agent-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'dropped');
  // In a child: the agent ignores its own process, which is this test's.
  execFileSync('/bin/cp', ['/bin/true', bin]);
  execFileSync('/bin/chmod', ['755', bin]);
  execFileSync(bin, ['th-dropped']);
  const chmod = await find('chmod +x in /tmp', (e) => e.kind === 'file_chmod' && e.file!.path === bin);
  t.equal(chmod.file!.mode & 0o111, 0o111);
  const exec = await find('exec from /tmp', (e) => e.kind === 'process_exec' && e.exec!.filename === bin);
  t.equal(exec.process!.exe, bin);
});

t.test('a process tree of depth 5: the deepest carries at least 4 ancestors', opts, async (t) => {
  execFileSync('python3', [WORKLOAD, 'tree', '5']);
  const ev = await find('deepest exec', (e) => e.kind === 'process_exec' && e.process!.args.includes('th-deepest'));
  const anc = ev.process!.ancestors;
  t.ok(anc.length >= 4, `${anc.length} ancestors`);
  t.same(anc.slice(0, 4).map((a) => a.comm), ['sh', 'sh', 'sh', 'sh'], 'four shells above it');
  t.ok(anc.some((a) => a.comm === 'python3'), 'the python workload above them');
  t.match(anc[0]!.args.join(' '), /th-deepest/);
});

t.test('container attribution from a containerd-shaped cgroup', { skip: why || (findCgroup2Mount() ? false : 'no cgroup v2 mount') }, async (t) => {
  const root = findCgroup2Mount()!;
  const id = 'c0ffee'.padEnd(64, '0');
  const uid = '11112222-3333-4444-5555-666677778888';
  const rel = `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`;
  const dir = join(root, rel);
  mkdirSync(dir, { recursive: true });
  // The child waits on stdin until it is in the cgroup, then execs the marker.
  const child = spawn('/bin/sh', ['-c', 'read go; exec /bin/echo th-in-container'], { stdio: ['pipe', 'ignore', 'ignore'] });
  writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
  child.stdin.end('go\n');
  await new Promise((r) => child.once('exit', r));
  t.teardown(() => {
    // The scope and the pod directory are this test's own; the QoS and kubepods slices may hold
    // other pods' directories (EBUSY), which are not this test's to judge.
    const pod = rel.slice(0, rel.lastIndexOf('/'));
    rmdirSync(dir);
    rmdirSync(join(root, pod));
    for (const p of [pod.slice(0, pod.lastIndexOf('/')), 'kubepods.slice']) {
      try { rmdirSync(join(root, p)); } catch { /* shared or pre-existing */ }
    }
  });
  const ev = await find('exec inside the container cgroup', (e) => e.kind === 'process_exec' && e.process!.args[1] === 'th-in-container');
  t.equal(ev.process!.container_id, id);
  t.equal(ev.process!.cgroup_path, `/${rel}`);
  t.equal(ev.process!.cgroup_id, statSync(dir).ino);
});

t.test('agent_stats events report counts by kind', opts, async (t) => {
  const ev = await find('agent_stats', (e) => e.kind === 'agent_stats' && Object.keys(e.stats!.events_by_kind).length > 0, 5_000);
  t.ok(ev.stats!.interval_ms > 0);
  t.equal(ev.process, null);
});

t.test('filter updates: an invalid one is refused with the reason, a valid one applies', opts, async (t) => {
  const bad = await agent.command('prefix add sideways /etc/');
  t.equal(bad.ok, false);
  t.ok(bad.text.length > 0, `reason: ${bad.text}`);
  const good = await agent.command('prefix add read /opt/th-watched/');
  t.equal(good.ok, true, good.text);
  await t.rejects(agent.command('two\nlines'), { code: 'TH_ERR_INVALID_INPUT' });
});
