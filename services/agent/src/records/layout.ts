/**
 * Byte layout of the loader's records. MUST MATCH bpf/events.h: test/layout.test.ts compiles a C
 * program against that header and checks every offset and size below.
 */
export type FieldType = 'u16' | 'u32' | 's32' | 'u64' | 's64' | 'str' | 'bytes' | 'sockinfo' | 'u32x8';

export interface StructLayout {
  size: number;
  /** field name as in the C struct → [byte offset, type, byte length for 'bytes'] */
  fields: Record<string, [number, FieldType, number?]>;
}

/** enum th_event_type; numbers are never reused. */
export const EV = {
  EXEC: 1, EXIT: 2, FORK: 3, FILE_OPEN: 4, FILE_UNLINK: 5, FILE_RENAME: 6, FILE_CHMOD: 7, FILE_LINK: 8, FILE_SYMLINK: 9,
  TCP_CONNECT: 10, TCP_ACCEPT: 11, LISTEN: 12, CONNECT: 13, SOCKET: 14, SETID: 15, CAPSET: 16, CAP_CHECK: 17, PTRACE: 18,
  MODULE: 19, MOUNT: 20, NS: 21, MEMFD: 22, DUP_SOCKET: 23, BPF: 24,
  STATS: 100, CLOCK: 101, CMD_REPLY: 102, PROG_STATUS: 103, HELLO: 104,
} as const;

export const KERNEL_MAX = 64;
export const ABI_VERSION = 1;
export const ANC_MAGIC = 0x31434e41;

export const STR_FLAGS = { TRUNCATED: 1, FAULT: 2, PARTIAL: 4, ABSENT: 8 } as const;
export const HDR_FLAGS = { LOGINUID_UNSET: 1, KTHREAD: 2, NO_LOGINUID: 4, FROM_LOADER: 8 } as const;
export const EXEC_FLAGS = { MEMFD: 1, DELETED: 2, FD_PATH: 4, SETUID_FILE: 8, SETGID_FILE: 16, HAS_TTY: 32 } as const;
export const ANC_FLAGS = { EXITED: 1, FROM_PROC: 2, EXE_TRUNC: 4, ARGS_TRUNC: 8, PARTIAL: 16 } as const;

const HDR_FIELDS: StructLayout['fields'] = {
  type: [0, 'u32'], size: [4, 'u32'], ts_ns: [8, 'u64'], pid: [16, 'u32'], tid: [20, 'u32'], ppid: [24, 'u32'], uid: [28, 'u32'],
  gid: [32, 'u32'], euid: [36, 'u32'], egid: [40, 'u32'], loginuid: [44, 'u32'], cgroup_id: [48, 'u64'], mnt_ns: [56, 'u32'],
  pid_ns: [60, 'u32'], net_ns: [64, 'u32'], user_ns: [68, 'u32'], flags: [72, 'u32'], cpu: [76, 'u32'], start_ns: [80, 'u64'],
  comm: [88, 'bytes', 16],
};

/** Struct name in events.h → layout. String fields name their buffer: `<name>` is the th_str, `<name>_buf` its bytes. */
export const LAYOUTS = {
  th_hdr: { size: 104, fields: HDR_FIELDS },
  th_exec: {
    size: 1984,
    fields: {
      old_pid: [104, 'u32'], argc: [108, 'u32'], exec_flags: [112, 'u32'], tty_major: [116, 'u32'], tty_minor: [120, 'u32'], exe_mode: [124, 'u32'],
      filename: [128, 'str'], argv: [132, 'str'], exe: [136, 'str'], cwd: [140, 'str'], exe_ino: [144, 'u64'], exe_dev: [152, 'u32'],
      tty: [160, 'bytes', 32], filename_buf: [192, 'bytes', 256], argv_buf: [448, 'bytes', 1024], exe_buf: [1472, 'bytes', 256], cwd_buf: [1728, 'bytes', 256],
    },
  },
  th_exit: { size: 120, fields: { exit_code: [104, 'u32'], status: [108, 'u32'], signo: [112, 'u32'], core_dumped: [116, 'u32'] } },
  th_fork: { size: 136, fields: { child_pid: [104, 'u32'], child_tid: [108, 'u32'], clone_flags: [112, 'u64'], child_start_ns: [120, 'u64'], fork_flags: [128, 'u32'] } },
  th_file: {
    size: 672,
    fields: {
      ret: [104, 's64'], syscall_nr: [112, 'u32'], flags: [116, 'u32'], mode: [120, 'u32'], dirfd: [124, 's32'], match: [128, 'u32'], file_flags: [132, 'u32'],
      path: [136, 'str'], path2: [140, 'str'], ino: [144, 'u64'], i_mode: [152, 'u32'], path_buf: [160, 'bytes', 256], path2_buf: [416, 'bytes', 256],
    },
  },
  th_sockinfo: {
    size: 48,
    fields: { family: [0, 'u16'], protocol: [2, 'u16'], sport: [4, 'u16'], dport: [6, 'u16'], type: [8, 'u32'], state: [12, 'u32'], saddr: [16, 'bytes', 16], daddr: [32, 'bytes', 16] },
  },
  th_net: {
    size: 288,
    fields: { ret: [104, 's64'], direction: [112, 'u32'], fd: [116, 's32'], backlog: [120, 'u32'], unix_path: [124, 'str'], sk: [128, 'sockinfo'], unix_path_buf: [176, 'bytes', 108] },
  },
  th_socket: { size: 128, fields: { ret: [104, 's64'], family: [112, 'u32'], type: [116, 'u32'], protocol: [120, 'u32'], sock_flags: [124, 'u32'] } },
  th_setid: { size: 192, fields: { ret: [104, 's64'], op: [112, 'u32'], args: [116, 'bytes', 12], old_ids: [128, 'u32x8'], new_ids: [160, 'u32x8'] } },
  th_capset: {
    size: 192,
    fields: {
      ret: [104, 's64'], target_pid: [112, 'u32'], version: [116, 'u32'], req_effective: [120, 'u64'], req_permitted: [128, 'u64'], req_inheritable: [136, 'u64'],
      old_effective: [144, 'u64'], old_permitted: [152, 'u64'], old_inheritable: [160, 'u64'], new_effective: [168, 'u64'], new_permitted: [176, 'u64'], new_inheritable: [184, 'u64'],
    },
  },
  th_cap_check: { size: 120, fields: { cap: [104, 'u32'], ret: [108, 's32'], target_user_ns: [112, 'u32'], suppressed: [116, 'u32'] } },
  th_ptrace: { size: 136, fields: { ret: [104, 's64'], request: [112, 's64'], target_pid: [120, 'u32'], addr: [128, 'u64'] } },
  th_module: {
    size: 656,
    fields: { ret: [104, 's64'], op: [112, 'u32'], fd: [116, 's32'], mod_flags: [120, 'u32'], len: [128, 'u64'], name: [136, 'str'], args: [140, 'str'], name_buf: [144, 'bytes', 256], args_buf: [400, 'bytes', 256] },
  },
  th_mount: {
    size: 688,
    fields: {
      ret: [104, 's64'], op: [112, 'u32'], mnt_flags: [120, 'u64'], source: [128, 'str'], target: [132, 'str'], fstype: [136, 'str'],
      source_buf: [144, 'bytes', 256], target_buf: [400, 'bytes', 256], fstype_buf: [656, 'bytes', 32],
    },
  },
  th_ns: { size: 200, fields: { ret: [104, 's64'], op: [112, 'u32'], fd: [116, 's32'], ns_flags: [120, 'u64'], target_ino: [128, 'u32'], old_ns: [136, 'u32x8'], new_ns: [168, 'u32x8'] } },
  th_memfd: { size: 376, fields: { ret: [104, 's64'], mfd_flags: [112, 'u32'], name: [116, 'str'], name_buf: [120, 'bytes', 256] } },
  th_dup_socket: { size: 176, fields: { ret: [104, 's64'], oldfd: [112, 'u32'], newfd: [116, 'u32'], dup_flags: [120, 'u32'], syscall_nr: [124, 'u32'], sk: [128, 'sockinfo'] } },
  th_bpf: { size: 136, fields: { ret: [104, 's64'], cmd: [112, 'u32'], attr_type: [116, 'u32'], name: [120, 'bytes', 16] } },
  th_stats: {
    size: 1184,
    fields: {
      nr_types: [104, 'u32'], interval_ms: [108, 'u32'], emitted: [112, 'bytes', 512], dropped: [624, 'bytes', 512], frames_out: [1136, 'u64'], bytes_out: [1144, 'u64'],
      cmds_ok: [1152, 'u64'], cmds_err: [1160, 'u64'], proc_table_size: [1168, 'u64'], proc_misses: [1176, 'u64'],
    },
  },
  th_clock: { size: 120, fields: { realtime_ns: [104, 'u64'], offset_ns: [112, 's64'] } },
  th_cmd_reply: { size: 632, fields: { seq: [104, 'u64'], status: [112, 's32'], text_len: [116, 'u32'], text: [120, 'bytes', 512] } },
  th_prog_status: { size: 304, fields: { err: [104, 's32'], ps_flags: [108, 'u32'], name: [112, 'bytes', 64], detail: [176, 'bytes', 128] } },
  th_hello: { size: 120, fields: { abi_version: [104, 'u32'], hdr_size: [108, 'u32'], ancestors: [112, 'u32'] } },
  th_anc_hdr: { size: 8, fields: { magic: [0, 'u32'], count: [4, 'u16'], size: [6, 'u16'] } },
  th_anc_entry: {
    size: 48,
    fields: { pid: [0, 'u32'], ppid: [4, 'u32'], start_ns: [8, 'u64'], uid: [16, 'u32'], exe_len: [20, 'u16'], args_len: [22, 'u16'], anc_flags: [24, 'u32'], comm: [32, 'bytes', 16] },
  },
} satisfies Record<string, StructLayout>;

export type StructName = keyof typeof LAYOUTS;

/** Which struct each record type uses. */
export const STRUCT_OF: Record<number, StructName> = {
  [EV.EXEC]: 'th_exec', [EV.EXIT]: 'th_exit', [EV.FORK]: 'th_fork',
  [EV.FILE_OPEN]: 'th_file', [EV.FILE_UNLINK]: 'th_file', [EV.FILE_RENAME]: 'th_file', [EV.FILE_CHMOD]: 'th_file', [EV.FILE_LINK]: 'th_file', [EV.FILE_SYMLINK]: 'th_file',
  [EV.TCP_CONNECT]: 'th_net', [EV.TCP_ACCEPT]: 'th_net', [EV.LISTEN]: 'th_net', [EV.CONNECT]: 'th_net', [EV.SOCKET]: 'th_socket',
  [EV.SETID]: 'th_setid', [EV.CAPSET]: 'th_capset', [EV.CAP_CHECK]: 'th_cap_check', [EV.PTRACE]: 'th_ptrace', [EV.MODULE]: 'th_module',
  [EV.MOUNT]: 'th_mount', [EV.NS]: 'th_ns', [EV.MEMFD]: 'th_memfd', [EV.DUP_SOCKET]: 'th_dup_socket', [EV.BPF]: 'th_bpf',
  [EV.STATS]: 'th_stats', [EV.CLOCK]: 'th_clock', [EV.CMD_REPLY]: 'th_cmd_reply', [EV.PROG_STATUS]: 'th_prog_status', [EV.HELLO]: 'th_hello',
};
