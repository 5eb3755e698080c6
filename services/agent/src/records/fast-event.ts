import type { Ancestor, Event, EventKind, Process } from '@tracehound/schemas';
import { ANC_FLAGS, ANC_MAGIC, EV, EXEC_FLAGS, HDR_FLAGS, LAYOUTS, STR_FLAGS, STRUCT_OF, type StructLayout } from './layout.js';
import { OPEN_WRITE_MASK } from './names.js';
import { cStringAt, splitArgsAt, stringAt } from './text.js';
import type { EventContext } from './to-event.js';

/**
 * The hot record types (exec, exit, fork, file) straight from the frame bytes into the Event
 * shape: no intermediate record object, strings decoded once from their byte ranges, and the
 * ancestry trailer decoded once per distinct entry (a process's chain repeats in every one of
 * its events). Offsets come from LAYOUTS, which test/layout.test.ts proves against events.h;
 * test/fast-event.test.ts proves the result equal to the generic decodeFrame + toEvent path.
 * Anything unusual — another type, a size or trailer that does not check out — returns
 * undefined and the caller takes the generic path, which also reports malformed frames.
 */

const offsets = <L extends StructLayout>(l: L) => Object.fromEntries(Object.entries(l.fields).map(([k, v]) => [k, v[0]])) as { [K in keyof L['fields']]: number };
const H = offsets(LAYOUTS.th_hdr);
const X = offsets(LAYOUTS.th_exec);
const XT = LAYOUTS.th_exec.fields;
const XIT = offsets(LAYOUTS.th_exit);
const FK = offsets(LAYOUTS.th_fork);
const F = offsets(LAYOUTS.th_file);
const FT = LAYOUTS.th_file.fields;
const A = offsets(LAYOUTS.th_anc_entry);
const ANC_ENTRY = LAYOUTS.th_anc_entry.size;
const ANC_HDR = LAYOUTS.th_anc_hdr.size;
const UNSET = 0xffffffff;

const SIZE_OF_TYPE: number[] = [];
for (const [t, s] of Object.entries(STRUCT_OF)) SIZE_OF_TYPE[Number(t)] = LAYOUTS[s].size;

const NO_ANCESTORS = Object.freeze([]) as unknown as Ancestor[];
const NO_ARGS = Object.freeze([]) as unknown as string[];

/** One decoded ancestry entry, kept while its bytes stay the same. */
interface AncEntry {
  raw: Buffer;
  out: Ancestor;
  argsTruncated: boolean;
}

/** What the agent's cgroup resolver said of an event's cgroup. */
type CgroupAnswer = ReturnType<EventContext['cgroup']>;

/** A thread's process block, kept while the bytes it was built from stay the same. */
interface ProcEntry {
  /** The header from pid to the end (HDR_KEPT bytes), then the ancestry trailer. */
  key: Buffer;
  offsetNs: bigint;
  cgroupPath: string | null;
  containerId: string | null;
  out: Process;
}

/** Header bytes a process block is built from: pid up to the cpu field, and after it (start time, comm). */
const HDR_FROM = H.pid;
const CPU_AT = H.cpu;
const AFTER_CPU = H.cpu + 4;
const HDR_END = LAYOUTS.th_hdr.size;
const HDR_KEPT = HDR_END - HDR_FROM;

/**
 * Decoded ancestry entries by pid; a changed entry (exec, exit) is decoded again. The list of
 * ancestors of a process is also kept while its entries stay the same, so its events share one
 * list object (the encoder encodes it once). So is the whole process block of a thread's events
 * while its header (ids, namespaces, comm, start time; not the cpu) and ancestry trailer are
 * byte for byte the same, with the same cgroup answer and clock offset: a file storm from one
 * process then neither decodes nor encodes its process again. Shared values are frozen: the
 * encoder reuses the bytes of frozen values, and nothing may change them.
 */
export class AncestryCache {
  private readonly byPid = new Map<number, AncEntry>();
  /** Ancestor lists by the parent's entry (the first ancestor). */
  private readonly chains = new Map<AncEntry, { entries: AncEntry[]; ancestors: Ancestor[] }>();
  private readonly byTid = new Map<number, ProcEntry>();

  constructor(
    private readonly maxEntries = 16_384,
    private readonly maxProcesses = 4_096,
  ) {}

  get size(): number {
    return this.byPid.size;
  }

  entry(frame: Buffer, o: number, len: number): AncEntry {
    const pid = frame.readUInt32LE(o + A.pid);
    const hit = this.byPid.get(pid);
    if (hit && hit.raw.length === len && frame.compare(hit.raw, 0, len, o, o + len) === 0) return hit;
    const exeLen = frame.readUInt16LE(o + A.exe_len);
    const argsLen = frame.readUInt16LE(o + A.args_len);
    const s = o + ANC_ENTRY;
    const e: AncEntry = {
      raw: Buffer.from(frame.subarray(o, o + len)),
      out: { pid, comm: cStringAt(frame, o + A.comm, o + A.comm + 16), exe: stringAt(frame, s, s + exeLen), args: Object.freeze(splitArgsAt(frame, s + exeLen, s + exeLen + argsLen)) as string[] },
      argsTruncated: (frame.readUInt32LE(o + A.anc_flags) & ANC_FLAGS.ARGS_TRUNC) !== 0,
    };
    if (hit !== undefined) this.chains.delete(hit); // its children's list names what it was
    if (this.byPid.size >= this.maxEntries && !hit) this.byPid.clear();
    this.byPid.set(pid, e);
    return e;
  }

  /**
   * A process has exited: its entry, its children's ancestor list and its thread's process
   * block go now rather than when the cache fills. Kept,
   * every exited process's entry outlived V8's young generation and was promoted, to be
   * collected by mark-compacts (an exec storm leaves one per exec). A child still alive that
   * names it in its chain decodes it again from its own record.
   */
  forget(pid: number): void {
    const e = this.byPid.get(pid);
    if (e !== undefined) this.chains.delete(e);
    this.byPid.delete(pid);
    this.byTid.delete(pid);
  }

  /** The process block kept for this frame's thread, when everything it was built from is unchanged. */
  process(frame: Buffer, size: number, tid: number, cg: CgroupAnswer, offsetNs: bigint): Process | undefined {
    const hit = this.byTid.get(tid);
    if (hit === undefined) return undefined;
    const trailerLen = frame.length - size;
    const key = hit.key;
    if (key.length !== HDR_KEPT + trailerLen || hit.offsetNs !== offsetNs || hit.cgroupPath !== cg.path || hit.containerId !== cg.containerId) return undefined;
    if (frame.compare(key, 0, CPU_AT - HDR_FROM, HDR_FROM, CPU_AT) !== 0) return undefined;
    if (frame.compare(key, AFTER_CPU - HDR_FROM, HDR_KEPT, AFTER_CPU, HDR_END) !== 0) return undefined;
    if (trailerLen > 0 && frame.compare(key, HDR_KEPT, HDR_KEPT + trailerLen, size, frame.length) !== 0) return undefined;
    return hit.out;
  }

  /** Keeps (and freezes) a thread's process block for its next events. */
  keepProcess(frame: Buffer, size: number, tid: number, cg: CgroupAnswer, offsetNs: bigint, out: Process): void {
    const key = Buffer.allocUnsafeSlow(HDR_KEPT + frame.length - size); // its own memory: a pooled slice would pin 8 KiB
    frame.copy(key, 0, HDR_FROM, HDR_END);
    frame.copy(key, HDR_KEPT, size, frame.length);
    if (this.byTid.size >= this.maxProcesses && !this.byTid.has(tid)) this.byTid.clear();
    this.byTid.set(tid, { key, offsetNs, cgroupPath: cg.path, containerId: cg.containerId, out: Object.freeze(out) });
  }

  /**
   * The ancestors (entries after the first) as a list shared by every event with this chain of
   * ancestors: kept by the parent's entry, so a process's children (an exec storm's thousands of
   * short-lived processes) share one list, and the encoder writes it once.
   */
  ancestors(entries: AncEntry[]): Ancestor[] {
    const n = entries.length - 1;
    if (n < 1) return NO_ANCESTORS;
    const parent = entries[1]!;
    const hit = this.chains.get(parent);
    if (hit && hit.entries.length === n) {
      let same = true;
      for (let i = 1; i < n && same; i++) same = hit.entries[i] === entries[i + 1];
      if (same) return hit.ancestors;
    }
    const chain: AncEntry[] = [];
    const ancestors: Ancestor[] = [];
    for (let i = 1; i <= n; i++) {
      chain.push(entries[i]!);
      ancestors.push(entries[i]!.out);
    }
    Object.freeze(ancestors);
    if (this.chains.size >= this.maxEntries && !hit) this.chains.clear();
    this.chains.set(parent, { entries: chain, ancestors });
    return ancestors;
  }
}

/** The trailer's entries, or undefined when it does not check out (the generic path explains why). */
function ancestry(frame: Buffer, at: number, cache: AncestryCache): AncEntry[] | undefined {
  if (frame.length < at + ANC_HDR || frame.readUInt32LE(at) !== ANC_MAGIC) return undefined;
  const count = frame.readUInt16LE(at + 4);
  const end = at + frame.readUInt16LE(at + 6);
  if (end > frame.length) return undefined;
  const out: AncEntry[] = [];
  let o = at + ANC_HDR;
  for (let i = 0; i < count; i++) {
    if (o + ANC_ENTRY > end) return undefined;
    const strLen = frame.readUInt16LE(o + A.exe_len) + frame.readUInt16LE(o + A.args_len);
    if (o + ANC_ENTRY + strLen > end) return undefined;
    out.push(cache.entry(frame, o, ANC_ENTRY + strLen));
    o += ANC_ENTRY + ((strLen + 7) & ~7);
  }
  return out;
}

/** A th_str at `desc` whose bytes are at `bufOff` (capacity `cap`). */
const strLen = (f: Buffer, desc: number, cap: number) => Math.min(f.readUInt16LE(desc), cap);
const strTrunc = (f: Buffer, desc: number, cap: number) => (f.readUInt16LE(desc + 2) & STR_FLAGS.TRUNCATED) !== 0 || f.readUInt16LE(desc) > cap;
const str = (f: Buffer, desc: number, bufOff: number, cap: number) => stringAt(f, bufOff, bufOff + strLen(f, desc, cap));

/**
 * A kernel record frame as an Event, for the hot types; undefined means "use the generic path".
 */
export function fastEvent(frame: Buffer, ctx: EventContext, cache: AncestryCache): Event | undefined {
  if (frame.length < LAYOUTS.th_hdr.size) return undefined;
  const type = frame.readUInt32LE(H.type);
  if (type < EV.EXEC || type > EV.FILE_SYMLINK) return undefined;
  const size = frame.readUInt32LE(H.size);
  if (size !== SIZE_OF_TYPE[type] || frame.length < size) return undefined;
  const mono = frame.readBigUInt64LE(H.ts_ns);
  const tid = frame.readUInt32LE(H.tid);
  const pid = frame.readUInt32LE(H.pid);
  const cgroupId = Number(frame.readBigUInt64LE(H.cgroup_id));
  const cg = ctx.cgroup(cgroupId, pid);
  // An exec changes the process (its block is built from the exec record); an exit ends it.
  const shares = type !== EV.EXEC && type !== EV.EXIT;
  let process = shares ? cache.process(frame, size, tid, cg, ctx.clockOffsetNs) : undefined;
  if (process === undefined) {
    const anc = frame.length > size ? ancestry(frame, size, cache) : [];
    if (!anc) return undefined;
    const self = anc[0];
    process = {
      pid, tid, ppid: frame.readUInt32LE(H.ppid), uid: frame.readUInt32LE(H.uid), gid: frame.readUInt32LE(H.gid), euid: frame.readUInt32LE(H.euid), egid: frame.readUInt32LE(H.egid),
      loginuid: frame.readUInt32LE(H.flags) & HDR_FLAGS.LOGINUID_UNSET ? UNSET : frame.readUInt32LE(H.loginuid),
      comm: cStringAt(frame, H.comm, H.comm + 16),
      exe: self?.out.exe ?? '', args: self?.out.args ?? NO_ARGS, args_truncated: self?.argsTruncated ?? false, cwd: null, tty: null,
      start_time: frame.readBigUInt64LE(H.start_ns) + ctx.clockOffsetNs,
      cgroup_id: cgroupId, cgroup_path: cg.path, container_id: cg.containerId,
      ns: { mnt: frame.readUInt32LE(H.mnt_ns), pid: frame.readUInt32LE(H.pid_ns), net: frame.readUInt32LE(H.net_ns), user: frame.readUInt32LE(H.user_ns), uts: 0, ipc: 0, cgroup: 0 },
      ancestors: cache.ancestors(anc),
    };
    if (shares) cache.keepProcess(frame, size, tid, cg, ctx.clockOffsetNs, process);
  }
  const ev: Event = {
    id: ctx.id(mono, tid, type), ts: mono + ctx.clockOffsetNs, node: ctx.node, kind: 'process_exec',
    enrichment: null, process, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null, ptrace: null,
    module: null, mount: null, namespace_change: null, memfd: null, dup: null, bpf: null, audit: null, stats: null, k8s: null,
  };
  switch (type) {
    case EV.EXEC: {
      const fl = frame.readUInt32LE(X.exec_flags);
      const argvCap = XT.argv_buf[2];
      process.exe = str(frame, X.exe, X.exe_buf, XT.exe_buf[2]);
      process.args = splitArgsAt(frame, X.argv_buf, X.argv_buf + strLen(frame, X.argv, argvCap));
      process.args_truncated = strTrunc(frame, X.argv, argvCap);
      const cwdAbsent = (frame.readUInt16LE(X.cwd + 2) & STR_FLAGS.ABSENT) !== 0 || strLen(frame, X.cwd, XT.cwd_buf[2]) === 0;
      process.cwd = cwdAbsent ? null : str(frame, X.cwd, X.cwd_buf, XT.cwd_buf[2]);
      process.tty = fl & EXEC_FLAGS.HAS_TTY ? cStringAt(frame, X.tty, X.tty + XT.tty[2]) || null : null;
      ev.exec = { filename: str(frame, X.filename, X.filename_buf, XT.filename_buf[2]), exe_memfd: (fl & EXEC_FLAGS.MEMFD) !== 0, exe_deleted: (fl & EXEC_FLAGS.DELETED) !== 0, exe_upper_layer: null, interpreter: null };
      return ev;
    }
    case EV.EXIT:
      ev.kind = 'process_exit';
      ev.exit = { code: frame.readUInt32LE(XIT.status), signal: frame.readUInt32LE(XIT.signo), core_dumped: frame.readUInt32LE(XIT.core_dumped) !== 0 };
      cache.forget(pid);
      return ev;
    case EV.FORK:
      ev.kind = 'process_fork';
      ev.fork = { child_pid: frame.readUInt32LE(FK.child_pid), child_tid: frame.readUInt32LE(FK.child_tid), clone_flags: Number(frame.readBigUInt64LE(FK.clone_flags)) };
      return ev;
    default: {
      const cap = FT.path_buf[2];
      const flags = frame.readUInt32LE(F.flags);
      const path = str(frame, F.path, F.path_buf, cap);
      const file = { path, new_path: null as string | null, path_truncated: strTrunc(frame, F.path, cap), flags, mode: frame.readUInt32LE(F.mode), symlink: false, result: Number(frame.readBigInt64LE(F.ret)) };
      let kind: EventKind;
      switch (type) {
        case EV.FILE_OPEN: kind = flags & OPEN_WRITE_MASK ? 'file_write' : 'file_open'; break;
        case EV.FILE_UNLINK: kind = 'file_unlink'; break;
        case EV.FILE_RENAME: kind = 'file_rename'; file.new_path = str(frame, F.path2, F.path2_buf, cap); break;
        case EV.FILE_CHMOD: kind = 'file_chmod'; break;
        default: // link / symlink: path is the new name, path2 the existing target (or the link text)
          kind = 'file_link';
          file.new_path = path;
          file.path = str(frame, F.path2, F.path2_buf, cap);
          file.symlink = type === EV.FILE_SYMLINK;
      }
      ev.kind = kind;
      ev.file = file;
      return ev;
    }
  }
}
