import ipaddr from 'ipaddr.js';
import type { AddressFamily, Event, EventKind, Process } from '@tracehound/schemas';
import { EV, EXEC_FLAGS, HDR_FLAGS } from './layout.js';
import { BPF_CMD_NAMES, CAP_NAMES, FAMILY, OPEN_WRITE_MASK, PTRACE_NAMES, SETID_OPS } from './names.js';
import { bytesToString, cString, splitArgs } from './text.js';
import type { KernelRecord, RawStr, SockInfo } from './decode.js';

export interface EventContext {
  node: string;
  /** CLOCK_REALTIME − CLOCK_BOOTTIME, from the loader's clock record. */
  clockOffsetNs: bigint;
  id: (monotonicNs: bigint, tid: number, type: number) => string;
  cgroup: (cgroupId: number, pid: number) => { path: string | null; containerId: string | null };
}

const str = (v: unknown) => bytesToString((v as RawStr).bytes);
const strOrNull = (v: unknown) => ((v as RawStr).absent || (v as RawStr).bytes.length === 0 ? null : str(v));
const n = (v: unknown) => Number(v);
const UNSET = 0xffffffff;

function address(bytes: Buffer, family: number): string | null {
  if (family === 2) return ipaddr.fromByteArray([...bytes.subarray(0, 4)]).toString();
  if (family === 10) return ipaddr.fromByteArray([...bytes.subarray(0, 16)]).toString();
  return null;
}

function family(f: number): AddressFamily {
  return FAMILY[f] ?? (f === 0 ? 'unknown' : 'other');
}

function processBlock(r: KernelRecord, ctx: EventContext): Process {
  const h = r.hdr;
  const self = r.ancestry[0];
  const exec = r.type === EV.EXEC ? r.body : null;
  const cg = ctx.cgroup(n(h.cgroup_id), n(h.pid));
  const execArgs = exec ? splitArgs((exec.argv as RawStr).bytes) : null;
  return {
    pid: n(h.pid), tid: n(h.tid), ppid: n(h.ppid), uid: n(h.uid), gid: n(h.gid), euid: n(h.euid), egid: n(h.egid),
    loginuid: n(h.flags) & HDR_FLAGS.LOGINUID_UNSET ? UNSET : n(h.loginuid),
    comm: cString(h.comm as Buffer),
    exe: exec ? str(exec.exe) : (self?.exe ?? ''),
    args: execArgs ?? self?.args ?? [],
    args_truncated: exec ? (exec.argv as RawStr).truncated : (self?.argsTruncated ?? false),
    cwd: exec ? strOrNull(exec.cwd) : null,
    tty: exec && n(exec.exec_flags) & EXEC_FLAGS.HAS_TTY ? cString(exec.tty as Buffer) || null : null,
    start_time: (h.start_ns as bigint) + ctx.clockOffsetNs,
    cgroup_id: n(h.cgroup_id),
    cgroup_path: cg.path,
    container_id: cg.containerId,
    ns: { mnt: n(h.mnt_ns), pid: n(h.pid_ns), net: n(h.net_ns), user: n(h.user_ns), uts: 0, ipc: 0, cgroup: 0 },
    ancestors: r.ancestry.slice(1).map((a) => ({ pid: a.pid, comm: a.comm, exe: a.exe, args: a.args })),
  };
}

type Blocks = Partial<Event> & { kind: EventKind };

function netBlock(kind: EventKind, b: KernelRecord['body']): Blocks {
  const sk = b.sk as SockInfo;
  const fam = n(sk.family);
  const dir = n(b.direction);
  // For an accepted connection the local end is the source of the listener; keep kernel naming.
  const unix = fam === 1 ? strOrNull(b.unix_path) : null;
  return {
    kind,
    net: {
      family: family(fam), socket_type: n(sk.type) & 0xf, protocol: n(sk.protocol),
      direction: dir === 1 ? 'outbound' : dir === 2 ? 'inbound' : dir === 3 ? 'listen' : 'none',
      src_addr: address(sk.saddr, fam), src_port: n(sk.sport), dst_addr: unix ?? address(sk.daddr, fam), dst_port: n(sk.dport), result: n(b.ret),
    },
  };
}

function fileBlock(r: KernelRecord): Blocks {
  const b = r.body;
  const path = b.path as RawStr;
  const path2 = b.path2 as RawStr;
  const base = { path_truncated: path.truncated, flags: n(b.flags), mode: n(b.mode), symlink: false, result: n(b.ret) };
  switch (r.type) {
    case EV.FILE_OPEN:
      return { kind: n(b.flags) & OPEN_WRITE_MASK ? 'file_write' : 'file_open', file: { ...base, path: str(path), new_path: null } };
    case EV.FILE_UNLINK:
      return { kind: 'file_unlink', file: { ...base, path: str(path), new_path: null } };
    case EV.FILE_RENAME:
      return { kind: 'file_rename', file: { ...base, path: str(path), new_path: str(path2) } };
    case EV.FILE_CHMOD:
      return { kind: 'file_chmod', file: { ...base, path: str(path), new_path: null } };
    default: // link / symlink: path is the new name, path2 the existing target (or the link text)
      return { kind: 'file_link', file: { ...base, path: str(path2), new_path: str(path), symlink: r.type === EV.FILE_SYMLINK } };
  }
}

function blocks(r: KernelRecord): Blocks | null {
  const b = r.body;
  switch (r.type) {
    case EV.EXEC: {
      const f = n(b.exec_flags);
      return { kind: 'process_exec', exec: { filename: str(b.filename), exe_memfd: (f & EXEC_FLAGS.MEMFD) !== 0, exe_deleted: (f & EXEC_FLAGS.DELETED) !== 0, exe_upper_layer: null, interpreter: null } };
    }
    case EV.EXIT:
      return { kind: 'process_exit', exit: { code: n(b.status), signal: n(b.signo), core_dumped: n(b.core_dumped) !== 0 } };
    case EV.FORK:
      return { kind: 'process_fork', fork: { child_pid: n(b.child_pid), child_tid: n(b.child_tid), clone_flags: n(b.clone_flags) } };
    case EV.FILE_OPEN: case EV.FILE_UNLINK: case EV.FILE_RENAME: case EV.FILE_CHMOD: case EV.FILE_LINK: case EV.FILE_SYMLINK:
      return fileBlock(r);
    case EV.TCP_CONNECT: case EV.CONNECT:
      return netBlock('net_connect', b);
    case EV.TCP_ACCEPT:
      return netBlock('net_accept', b);
    case EV.LISTEN:
      return netBlock('net_listen', b);
    case EV.SOCKET:
      return {
        kind: 'net_socket',
        net: { family: family(n(b.family)), socket_type: n(b.type) & 0xf, protocol: n(b.protocol), direction: 'none', src_addr: null, src_port: 0, dst_addr: null, dst_port: 0, result: n(b.ret) },
      };
    case EV.SETID: {
      const o = b.old_ids as number[];
      const w = b.new_ids as number[];
      return {
        kind: 'priv_change',
        privilege: {
          op: SETID_OPS[n(b.op)] ?? `setid_${n(b.op)}`, old_uid: o[0]!, old_euid: o[1]!, old_gid: o[4]!, old_egid: o[5]!,
          new_uid: w[0]!, new_euid: w[1]!, new_suid: w[2]!, new_fsuid: w[3]!, new_gid: w[4]!, new_egid: w[5]!, new_sgid: w[6]!, new_fsgid: w[7]!,
          cap_effective: null, cap_permitted: null, cap_inheritable: null, result: n(b.ret),
        },
      };
    }
    case EV.CAPSET:
      return {
        kind: 'priv_change',
        privilege: {
          op: 'capset', old_uid: null, old_euid: null, old_gid: null, old_egid: null, new_uid: null, new_euid: null, new_suid: null, new_fsuid: null,
          new_gid: null, new_egid: null, new_sgid: null, new_fsgid: null,
          cap_effective: n(b.new_effective), cap_permitted: n(b.new_permitted), cap_inheritable: n(b.new_inheritable), result: n(b.ret),
        },
      };
    case EV.CAP_CHECK:
      return { kind: 'capability_use', capability: { cap: n(b.cap), name: CAP_NAMES[n(b.cap)] ?? `CAP_${n(b.cap)}`, granted: n(b.ret) === 0 } };
    case EV.PTRACE:
      return { kind: 'ptrace', ptrace: { request: n(b.request), request_name: PTRACE_NAMES[n(b.request)] ?? `PTRACE_${n(b.request)}`, target_pid: n(b.target_pid), result: n(b.ret) } };
    case EV.MODULE: {
      const op = n(b.op);
      const name = strOrNull(b.name);
      return {
        kind: 'module_load',
        module: { op: op === 1 ? 'init_module' : op === 2 ? 'finit_module' : 'delete_module', name: op === 3 ? name : null, path: op === 2 ? name : null, params: strOrNull(b.args), result: n(b.ret) },
      };
    }
    case EV.MOUNT:
      return { kind: 'mount', mount: { op: n(b.op) === 2 ? 'umount' : 'mount', source: strOrNull(b.source), target: str(b.target), fstype: strOrNull(b.fstype), flags: n(b.mnt_flags), result: n(b.ret) } };
    case EV.NS:
      return {
        kind: 'namespace_change',
        namespace_change: { op: n(b.op) === 2 ? 'setns' : 'unshare', flags: n(b.ns_flags), fd: n(b.op) === 2 ? n(b.fd) : null, fd_path: null, result: n(b.ret) },
      };
    case EV.MEMFD:
      return { kind: 'memfd_create', memfd: { name: str(b.name), flags: n(b.mfd_flags), result: n(b.ret) } };
    case EV.DUP_SOCKET: {
      const sk = b.sk as SockInfo;
      return {
        kind: 'fd_dup_socket',
        dup: { op: n(b.syscall_nr) === 292 ? 'dup3' : 'dup2', oldfd: n(b.oldfd), newfd: n(b.newfd), socket_family: family(n(sk.family)), remote_addr: address(sk.daddr, n(sk.family)), remote_port: n(sk.dport) },
      };
    }
    case EV.BPF:
      return { kind: 'bpf_call', bpf: { cmd: n(b.cmd), cmd_name: BPF_CMD_NAMES[n(b.cmd)] ?? `BPF_${n(b.cmd)}`, prog_type: n(b.cmd) === 5 ? n(b.attr_type) : null, result: n(b.ret) } };
    default:
      return null;
  }
}

const EMPTY: Omit<Event, 'id' | 'ts' | 'node' | 'kind'> = {
  enrichment: null, process: null, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null, ptrace: null,
  module: null, mount: null, namespace_change: null, memfd: null, dup: null, bpf: null, audit: null, stats: null, k8s: null,
};

/** A kernel record as a Tracehound Event, or null for loader-only records (stats, clock, …). */
export function toEvent(r: KernelRecord, ctx: EventContext): Event | null {
  const b = blocks(r);
  if (!b) return null;
  const mono = r.hdr.ts_ns as bigint;
  return { ...EMPTY, ...b, id: ctx.id(mono, n(r.hdr.tid), r.type), ts: mono + ctx.clockOffsetNs, node: ctx.node, process: processBlock(r, ctx) };
}
