import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame } from '../src/records/decode.js';
import { AncestryCache, fastEvent } from '../src/records/fast-event.js';
import { ANC_MAGIC, EV, LAYOUTS } from '../src/records/layout.js';
import { toEvent, type EventContext } from '../src/records/to-event.js';
import { FrameReader } from '../src/frame-reader.js';
import { DEFAULT_LOADER } from '../src/app.js';

const ctx: EventContext = {
  node: 'n1', clockOffsetNs: 1_700_000_000_000_000_000n, id: (mono, tid, type) => `id-${mono}-${tid}-${type}`,
  cgroup: (id, pid) => ({ path: `/cg/${id}`, containerId: pid % 2 ? 'c'.repeat(64) : null }),
};
const generic = (f: Buffer) => toEvent(decodeFrame(f), ctx);

function header(type: number, size: number, pid: number, comm: Buffer | string): Buffer {
  const b = Buffer.alloc(size);
  const h = LAYOUTS.th_hdr.fields;
  b.writeUInt32LE(type, h.type[0]);
  b.writeUInt32LE(size, h.size[0]);
  b.writeBigUInt64LE(123_456_789n + BigInt(type), h.ts_ns[0]);
  b.writeUInt32LE(pid, h.pid[0]);
  b.writeUInt32LE(pid + 1, h.tid[0]);
  b.writeUInt32LE(7, h.ppid[0]);
  b.writeUInt32LE(1000, h.uid[0]);
  b.writeUInt32LE(type % 2 ? 1 : 0, h.flags[0]); // LOGINUID_UNSET on odd types
  b.writeUInt32LE(500, h.loginuid[0]);
  b.writeBigUInt64LE(4242n, h.cgroup_id[0]);
  b.writeUInt32LE(4026531840, h.mnt_ns[0]);
  b.writeBigUInt64LE(99n, h.start_ns[0]);
  (typeof comm === 'string' ? Buffer.from(comm) : comm).copy(b, h.comm[0], 0, 16);
  return b;
}

function putStr(b: Buffer, desc: number, bufOff: number, bytes: Buffer, flags = 0, claimed = bytes.length): void {
  b.writeUInt16LE(claimed, desc);
  b.writeUInt16LE(flags, desc + 2);
  bytes.copy(b, bufOff);
}

function trailer(entries: Array<{ pid: number; comm: string; exe: Buffer; args: Buffer; flags?: number }>): Buffer {
  const parts = entries.map((e) => {
    const len = (48 + e.exe.length + e.args.length + 7) & ~7;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(e.pid, 0);
    b.writeUInt32LE(e.pid - 1, 4);
    b.writeUInt16LE(e.exe.length, 20);
    b.writeUInt16LE(e.args.length, 22);
    b.writeUInt32LE(e.flags ?? 0, 24);
    b.write(e.comm, 32);
    e.exe.copy(b, 48);
    e.args.copy(b, 48 + e.exe.length);
    return b;
  });
  const h = Buffer.alloc(8);
  h.writeUInt32LE(ANC_MAGIC, 0);
  h.writeUInt16LE(entries.length, 4);
  h.writeUInt16LE(8 + parts.reduce((s, p) => s + p.length, 0), 6);
  return Buffer.concat([h, ...parts]);
}

const chain = trailer([
  { pid: 100, comm: 'py\xff', exe: Buffer.from('/usr/bin/python3'), args: Buffer.from('python3\0-c\0x\ny\0'), flags: 8 },
  { pid: 99, comm: 'bash', exe: Buffer.from([0x2f, 0x62, 0xc3, 0xa9, 0xff]), args: Buffer.from('bash\0\0-l') },
  { pid: 1, comm: 'init', exe: Buffer.alloc(0), args: Buffer.alloc(0), flags: 16 },
]);

function frames(): Buffer[] {
  const x = LAYOUTS.th_exec.fields;
  const exec = header(EV.EXEC, LAYOUTS.th_exec.size, 100, Buffer.from([0x65, 0xe2, 0x82, 0, 0x41]));
  exec.writeUInt32LE(32 | 1, x.exec_flags[0]);
  putStr(exec, x.filename[0], x.filename_buf[0], Buffer.from('/dev/fd/3'));
  putStr(exec, x.argv[0], x.argv_buf[0], Buffer.from('a\0b c\0\xff\0'), 1, 60_000);
  putStr(exec, x.exe[0], x.exe_buf[0], Buffer.from('/memfd:x (deleted)'));
  putStr(exec, x.cwd[0], x.cwd_buf[0], Buffer.alloc(0), 8);
  exec.write('pts3', x.tty[0]);
  const exec2 = Buffer.from(exec);
  exec2.writeUInt32LE(0, x.exec_flags[0]);
  putStr(exec2, x.cwd[0], x.cwd_buf[0], Buffer.from('/tmp/dir'));
  const exit = header(EV.EXIT, LAYOUTS.th_exit.size, 101, 'sleep');
  exit.writeUInt32LE(0x8b, LAYOUTS.th_exit.fields.exit_code[0]);
  exit.writeUInt32LE(0, LAYOUTS.th_exit.fields.status[0]);
  exit.writeUInt32LE(11, LAYOUTS.th_exit.fields.signo[0]);
  exit.writeUInt32LE(1, LAYOUTS.th_exit.fields.core_dumped[0]);
  const fork = header(EV.FORK, LAYOUTS.th_fork.size, 102, 'bash');
  fork.writeUInt32LE(555, LAYOUTS.th_fork.fields.child_pid[0]);
  fork.writeUInt32LE(556, LAYOUTS.th_fork.fields.child_tid[0]);
  fork.writeBigUInt64LE(0x1200011n, LAYOUTS.th_fork.fields.clone_flags[0]);
  const files = [EV.FILE_OPEN, EV.FILE_UNLINK, EV.FILE_RENAME, EV.FILE_CHMOD, EV.FILE_LINK, EV.FILE_SYMLINK].flatMap((type) => {
    const f = LAYOUTS.th_file.fields;
    const b = header(type, LAYOUTS.th_file.size, 103, 'cat');
    b.writeBigInt64LE(-13n, f.ret[0]);
    b.writeUInt32LE(0o644, f.mode[0]);
    putStr(b, f.path[0], f.path_buf[0], Buffer.from('/etc/shadow'), type === EV.FILE_RENAME ? 1 : 0);
    putStr(b, f.path2[0], f.path2_buf[0], Buffer.from('/tmp/\xe9\x80'));
    const w = Buffer.from(b);
    w.writeUInt32LE(0o1101, f.flags[0]); // O_WRONLY|O_CREAT|O_TRUNC: a write
    return [b, w];
  });
  const records = [exec, exec2, exit, fork, ...files];
  return [...records, ...records.map((r) => Buffer.concat([r, chain])), Buffer.concat([exit, trailer([])])];
}

t.test('the fast path builds exactly the Event of the generic decoder, odd bytes included', async (t) => {
  const cache = new AncestryCache();
  for (const round of [1, 2]) { // the second round is answered from the ancestry cache
    for (const f of frames()) {
      const fast = fastEvent(f, ctx, cache);
      t.ok(fast, `type ${f.readUInt32LE(0)} takes the fast path`);
      t.same(fast, generic(f), `type ${f.readUInt32LE(0)}, ${f.length} bytes, round ${round}`);
    }
  }
  t.ok(cache.size > 0 && cache.size <= 3, 'one cache entry per ancestor pid');
});

t.test('a changed ancestry entry for the same pid is decoded again, not served stale', async (t) => {
  const cache = new AncestryCache();
  const exit = header(EV.EXIT, LAYOUTS.th_exit.size, 101, 'sleep');
  const a = Buffer.concat([exit, trailer([{ pid: 5, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0') }])]);
  const b = Buffer.concat([exit, trailer([{ pid: 5, comm: 'ls', exe: Buffer.from('/bin/ls'), args: Buffer.from('ls\0-l\0') }])]);
  t.same(fastEvent(a, ctx, cache)!.process!.args, ['sh']);
  t.same(fastEvent(b, ctx, cache)!.process!.args, ['ls', '-l']);
  t.equal(fastEvent(b, ctx, cache)!.process!.exe, '/bin/ls');
});

t.test('an exited process is forgotten at its exit; a child naming it still gets it', async (t) => {
  const cache = new AncestryCache();
  const sh = { pid: 100, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0-c\0x\0') };
  const init = { pid: 1, comm: 'init', exe: Buffer.from('/sbin/init'), args: Buffer.from('init\0') };
  const fork = Buffer.concat([header(EV.FORK, LAYOUTS.th_fork.size, 100, 'sh'), trailer([sh, init])]);
  const exit = Buffer.concat([header(EV.EXIT, LAYOUTS.th_exit.size, 100, 'sh'), trailer([sh, init])]);
  const child = Buffer.concat([header(EV.EXIT, LAYOUTS.th_exit.size, 200, 'sleep'), trailer([{ pid: 200, comm: 'sleep', exe: Buffer.from('/bin/sleep'), args: Buffer.from('sleep\0nine\0') }, sh, init])]);
  t.same(fastEvent(fork, ctx, cache), generic(fork));
  t.equal(cache.size, 2);
  t.same(fastEvent(exit, ctx, cache), generic(exit), 'the exit itself carries its chain');
  t.equal(cache.size, 1, 'only the parent (still running) is kept');
  t.same(fastEvent(child, ctx, cache), generic(child), 'an orphan naming the exited process decodes it from its own record');
  t.same(fastEvent(child, ctx, cache)!.process!.ancestors.map((a) => a.pid), [100, 1]);
});

t.test("a thread's process block is shared while the bytes, cgroup answer and clock it was built from are unchanged", async (t) => {
  const cache = new AncestryCache();
  const chain = trailer([
    { pid: 300, comm: 'cat', exe: Buffer.from('/bin/cat'), args: Buffer.from('cat\0/etc/shadow\0') },
    { pid: 100, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0') },
  ]);
  const open = (edit?: (b: Buffer) => void, tail = chain) => {
    const b = header(EV.FILE_OPEN, LAYOUTS.th_file.size, 300, 'cat');
    edit?.(b);
    return Buffer.concat([b, tail]);
  };
  const first = fastEvent(open(), ctx, cache)!;
  t.same(first, generic(open()));
  t.ok(Object.isFrozen(first.process), 'kept blocks are frozen: the encoder may reuse their bytes');
  t.ok(Object.isFrozen(first.process!.args) && Object.isFrozen(first.process!.ancestors), 'so are the shared lists');
  const h = LAYOUTS.th_hdr.fields;
  const again = open((b) => {
    b.writeBigUInt64LE(999n, h.ts_ns[0]);
    b.writeUInt32LE(1, h.cpu[0]);
  });
  const second = fastEvent(again, ctx, cache)!;
  t.equal(second.process, first.process, 'another time and cpu: the same object');
  t.same(second, generic(again));
  t.not(second.id, first.id);

  const changes: Array<[string, Buffer, EventContext?]> = [
    ['uid', open((b) => b.writeUInt32LE(0, h.uid[0]))],
    ['comm', open((b) => b.write('dog', h.comm[0]))],
    ['start time', open((b) => b.writeBigUInt64LE(100n, h.start_ns[0]))],
    ['namespace', open((b) => b.writeUInt32LE(5, h.user_ns[0]))],
    ['flags (login uid unset)', open((b) => b.writeUInt32LE(b.readUInt32LE(h.flags[0]) ^ 1, h.flags[0]))],
    ['an ancestor', open(undefined, trailer([
      { pid: 300, comm: 'cat', exe: Buffer.from('/bin/cat'), args: Buffer.from('cat\0/etc/shadow\0') },
      { pid: 100, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0-x\0') },
    ]))],
    ['no trailer', open(undefined, Buffer.alloc(0))],
    ['the cgroup answer', open(), { ...ctx, cgroup: (id) => ({ path: `/cg/${id}`, containerId: 'd'.repeat(64) }) }],
    ['the clock offset', open(), { ...ctx, clockOffsetNs: ctx.clockOffsetNs + 1n }],
  ];
  for (const [what, frame, c] of changes) {
    const kept = fastEvent(open(), ctx, cache)!.process;
    const ev = fastEvent(frame, c ?? ctx, cache)!;
    t.not(ev.process, kept, `${what} changed: built again`);
    t.same(ev, toEvent(decodeFrame(frame), c ?? ctx), `${what} changed: equal to the generic decoder`);
  }

  const otherThread = open((b) => b.writeUInt32LE(999, h.tid[0]));
  t.not(fastEvent(otherThread, ctx, cache)!.process, fastEvent(open(), ctx, cache)!.process, 'kept per thread');
  const exec = Buffer.concat([header(EV.EXEC, LAYOUTS.th_exec.size, 300, 'cat'), chain]);
  const execEv = fastEvent(exec, ctx, cache)!;
  t.notOk(Object.isFrozen(execEv.process), 'an exec builds its own block and keeps none');
  t.same(execEv, generic(exec));
  const tidIsPid = open((b) => b.writeUInt32LE(300, h.tid[0]));
  const before = fastEvent(tidIsPid, ctx, cache)!.process;
  t.equal(fastEvent(tidIsPid, ctx, cache)!.process, before, 'kept for the main thread');
  const exitFrame = Buffer.concat([header(EV.EXIT, LAYOUTS.th_exit.size, 300, 'cat'), chain]);
  exitFrame.writeUInt32LE(300, h.tid[0]);
  fastEvent(exitFrame, ctx, cache);
  const afterExit = fastEvent(tidIsPid, ctx, cache)!;
  t.not(afterExit.process, before, 'an exit forgets the main thread');
  t.same(afterExit, generic(tidIsPid));
});

t.test("children of one parent share one ancestor list; a changed ancestor gives a new one", async (t) => {
  const cache = new AncestryCache();
  const sh = { pid: 100, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0') };
  const init = { pid: 1, comm: 'init', exe: Buffer.from('/sbin/init'), args: Buffer.from('init\0') };
  const child = (pid: number, parent = sh, top = init) => Buffer.concat([header(EV.EXIT, LAYOUTS.th_exit.size, pid, 'true'), trailer([{ pid, comm: 'true', exe: Buffer.from('/bin/true'), args: Buffer.from('true\0') }, parent, top])]);
  const a = fastEvent(child(201), ctx, cache)!;
  const b = fastEvent(child(202), ctx, cache)!;
  t.equal(a.process!.ancestors, b.process!.ancestors, 'one list for both children');
  t.same(b, generic(child(202)));
  const shArgs = { ...sh, args: Buffer.from('sh\0-c\0') };
  const c = fastEvent(child(203, shArgs), ctx, cache)!;
  t.not(c.process!.ancestors, a.process!.ancestors, 'the parent changed');
  t.same(c, generic(child(203, shArgs)));
  const initArgs = { ...init, args: Buffer.from('init\0splash\0') };
  const d = fastEvent(child(204, shArgs, initArgs), ctx, cache)!;
  t.not(d.process!.ancestors, c.process!.ancestors, 'a grandparent changed');
  t.same(d, generic(child(204, shArgs, initArgs)));
  const two = Buffer.concat([header(EV.EXIT, LAYOUTS.th_exit.size, 205, 'true'), trailer([{ pid: 205, comm: 'true', exe: Buffer.from('/bin/true'), args: Buffer.from('true\0') }, shArgs])]);
  const e = fastEvent(two, ctx, cache)!;
  t.not(e.process!.ancestors, d.process!.ancestors, 'a shorter chain');
  t.same(e, generic(two));
});

t.test('other types and malformed frames are left to the generic path', async (t) => {
  const cache = new AncestryCache();
  t.equal(fastEvent(header(EV.MEMFD, LAYOUTS.th_memfd.size, 1, 'x'), ctx, cache), undefined, 'memfd');
  t.equal(fastEvent(header(EV.HELLO, LAYOUTS.th_hello.size, 1, 'x'), ctx, cache), undefined, 'loader record');
  t.equal(fastEvent(Buffer.alloc(10), ctx, cache), undefined, 'short');
  t.equal(fastEvent(header(EV.EXIT, 104, 1, 'x'), ctx, cache), undefined, 'wrong size');
  const exit = header(EV.EXIT, LAYOUTS.th_exit.size, 1, 'x');
  t.equal(fastEvent(Buffer.concat([exit, Buffer.from([1, 2, 3, 4, 0, 0, 8, 0])]), ctx, cache), undefined, 'bad trailer magic');
  const overrun = trailer([{ pid: 5, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0') }]);
  overrun.writeUInt16LE(200, 6);
  t.equal(fastEvent(Buffer.concat([exit, overrun]), ctx, cache), undefined, 'trailer overruns the frame');
  const cut = trailer([{ pid: 5, comm: 'sh', exe: Buffer.from('/bin/sh'), args: Buffer.from('sh\0') }]);
  cut.writeUInt16LE(300, 8 + 20); // the first entry's exe_len, past the trailer
  t.equal(fastEvent(Buffer.concat([exit, cut]), ctx, cache), undefined, 'entry strings overrun');
});

const why = process.getuid?.() !== 0 ? 'needs root to load BPF' : !existsSync(DEFAULT_LOADER) ? 'loader not built (bpf/build.sh)' : false;

t.test('on real loader frames (execs, forks, exits, opens) both paths agree', { skip: why }, async (t) => {
  const file = join(t.testdir(), 'frames.bin');
  const fd = openSync(file, 'w');
  const loader = spawn(DEFAULT_LOADER, ['--stats-interval', '1'], { stdio: ['ignore', fd, 'ignore'] });
  await new Promise((r) => setTimeout(r, 2_500));
  spawnSync('bash', ['-c', 'for i in 1 2 3 4 5 6 7 8; do /bin/true; done; cat /etc/shadow > /dev/null; touch /tmp/th-fast-$$; rm -f /tmp/th-fast-$$'], { cwd: '/tmp' });
  await new Promise((r) => setTimeout(r, 500));
  loader.kill('SIGTERM');
  await new Promise((r) => loader.once('exit', r));
  closeSync(fd);
  const cache = new AncestryCache();
  const kinds = new Set<string>();
  new FrameReader().push(readFileSync(file), (f) => {
    const fast = fastEvent(f, ctx, cache);
    if (!fast) return;
    kinds.add(fast.kind);
    t.same(fast, generic(f), `${fast.kind} of ${fast.process!.comm}`);
  });
  for (const k of ['process_exec', 'process_fork', 'process_exit', 'file_open']) t.ok(kinds.has(k), `saw ${k}`);
});
