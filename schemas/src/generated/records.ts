// Generated from schemas/avro/*.avsc by `npm run gen:types`. Do not edit.
/* eslint-disable */

/** Symbols are only ever added, never removed or reordered; readers map unknown ones to 'unknown'. */
export const EVENT_KIND_SYMBOLS = ["unknown","process_exec","process_exit","process_fork","file_open","file_write","file_unlink","file_rename","file_chmod","file_link","net_connect","net_accept","net_listen","net_socket","priv_change","capability_use","ptrace","module_load","mount","namespace_change","memfd_create","fd_dup_socket","bpf_call","k8s_audit","agent_stats"] as const;
export type EventKind = (typeof EVENT_KIND_SYMBOLS)[number];

export const ENRICHMENT_SYMBOLS = ["resolved","unresolved","host"] as const;
export type Enrichment = (typeof ENRICHMENT_SYMBOLS)[number];

/** namespace inode numbers (u32) */
export interface Namespaces {
  mnt: number;
  pid: number;
  net: number;
  user: number;
  uts: number;
  ipc: number;
  cgroup: number;
}

export interface Ancestor {
  pid: number;
  comm: string;
  exe: string;
  args: Array<string>;
}

/** The process that caused an event, as the kernel saw it. Ids are the values in the process's own view of the initial namespaces. */
export interface Process {
  /** thread group id (user-space pid) */
  pid: number;
  tid: number;
  ppid: number;
  /** real uid (u32) */
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  /** audit login uid; 4294967295 means unset */
  loginuid: number;
  comm: string;
  /** path of the executable; empty when unknown */
  exe: string;
  args: Array<string>;
  args_truncated: boolean;
  cwd: null | string;
  tty: null | string;
  /** process start, ns since the Unix epoch */
  start_time: bigint;
  cgroup_id: number;
  cgroup_path: null | string;
  /** runtime container id from the cgroup path; null for host processes */
  container_id: null | string;
  ns: Namespaces;
  /** parent first, then its parent, and so on */
  ancestors: Array<Ancestor>;
}

/** process_exec details; the new image is in the process block. */
export interface Exec {
  /** path passed to execve */
  filename: string;
  /** executable is a memfd (fileless) */
  exe_memfd: boolean;
  /** executable file was unlinked */
  exe_deleted: boolean;
  /** executable lives in the container's writable layer (written after start); null when unknown */
  exe_upper_layer: null | boolean;
  interpreter: null | string;
}

export interface Exit {
  code: number;
  signal: number;
  core_dumped: boolean;
}

export interface Fork {
  child_pid: number;
  child_tid: number;
  clone_flags: number;
}

/** file_* details: open, write/create, unlink, rename, chmod, link. */
export interface File {
  path: string;
  path_truncated: boolean;
  /** rename target, or link name for link/symlink */
  new_path: null | string;
  /** open(2) flags */
  flags: number;
  /** create or chmod mode */
  mode: number;
  symlink: boolean;
  /** syscall return: fd or 0 on success, -errno on failure */
  result: number;
}

export const ADDRESS_FAMILY_SYMBOLS = ["unknown","unix","inet","inet6","packet","netlink","other"] as const;
export type AddressFamily = (typeof ADDRESS_FAMILY_SYMBOLS)[number];

export const DIRECTION_SYMBOLS = ["none","outbound","inbound","listen"] as const;
export type Direction = (typeof DIRECTION_SYMBOLS)[number];

/** net_* details: connect, accept, listen, socket. */
export interface Net {
  family: AddressFamily;
  /** SOCK_STREAM=1, SOCK_DGRAM=2, SOCK_RAW=3, ... */
  socket_type: number;
  protocol: number;
  direction: Direction;
  src_addr: null | string;
  src_port: number;
  dst_addr: null | string;
  dst_port: number;
  result: number;
}

/** priv_change details: setuid family (null = unchanged) and capset. */
export interface Privilege {
  /** setuid, setgid, setreuid, setregid, setresuid, setresgid, setfsuid, setfsgid, capset */
  op: string;
  old_uid: null | number;
  old_euid: null | number;
  old_gid: null | number;
  old_egid: null | number;
  new_uid: null | number;
  new_euid: null | number;
  new_suid: null | number;
  new_fsuid: null | number;
  new_gid: null | number;
  new_egid: null | number;
  new_sgid: null | number;
  new_fsgid: null | number;
  cap_effective: null | number;
  cap_permitted: null | number;
  cap_inheritable: null | number;
  result: number;
}

/** capability_use: a capability check by the kernel (rate-limited per process). */
export interface Capability {
  cap: number;
  /** e.g. CAP_SYS_ADMIN */
  name: string;
  granted: null | boolean;
}

export interface Ptrace {
  request: number;
  /** e.g. PTRACE_ATTACH */
  request_name: string;
  target_pid: number;
  result: number;
}

/** module_load: init_module / finit_module. */
export interface Module {
  /** init_module or finit_module */
  op: string;
  name: null | string;
  /** file behind the fd for finit_module */
  path: null | string;
  params: null | string;
  result: number;
}

export interface Mount {
  /** mount or umount */
  op: string;
  source: null | string;
  target: string;
  fstype: null | string;
  flags: number;
  result: number;
}

/** namespace_change: unshare or setns. */
export interface NamespaceChange {
  /** unshare or setns */
  op: string;
  /** CLONE_NEW* flags (unshare) or nstype (setns) */
  flags: number;
  fd: null | number;
  /** e.g. /proc/1/ns/mnt for setns */
  fd_path: null | string;
  result: number;
}

export interface Memfd {
  name: string;
  flags: number;
  result: number;
}

/** fd_dup_socket: a socket duplicated onto stdin, stdout or stderr (reverse-shell shape). */
export interface Dup {
  /** dup2 or dup3 */
  op: string;
  oldfd: number;
  newfd: number;
  socket_family: AddressFamily;
  remote_addr: null | string;
  remote_port: number;
}

export interface Bpf {
  cmd: number;
  /** e.g. BPF_PROG_LOAD */
  cmd_name: string;
  prog_type: null | number;
  result: number;
}

/** k8s_audit: one Kubernetes API server audit event (audit.k8s.io/v1). */
export interface Audit {
  audit_id: string;
  stage: string;
  level: null | string;
  verb: string;
  user: string;
  user_uid: null | string;
  groups: Array<string>;
  impersonated_user: null | string;
  resource: null | string;
  subresource: null | string;
  api_group: null | string;
  api_version: null | string;
  name: null | string;
  namespace: null | string;
  request_uri: string;
  response_code: null | number;
  source_ips: Array<string>;
  user_agent: null | string;
  /** authorization.k8s.io/decision annotation */
  decision: null | string;
  /** request body as JSON text, when the policy records it */
  request_object: null | string;
}

/** agent_stats: counters over the last interval, so every drop is visible downstream. */
export interface AgentStats {
  interval_ms: number;
  events_by_kind: Record<string, number>;
  kernel_drops_by_kind: Record<string, number>;
  kernel_drops: number;
  decode_errors: number;
  spool_records: number;
  spool_bytes: number;
  spool_drops: number;
  loader_restarts: number;
}

/** Kubernetes context added by the enricher; null on events.raw. */
export interface K8s {
  cluster: null | string;
  namespace: null | string;
  namespace_labels: Record<string, string>;
  pod: null | string;
  pod_uid: null | string;
  pod_labels: Record<string, string>;
  pod_annotations: Record<string, string>;
  container: null | string;
  image: null | string;
  image_id: null | string;
  service_account: null | string;
  node: null | string;
  /** direct owner, e.g. ReplicaSet */
  owner_kind: null | string;
  owner_name: null | string;
  /** owner resolved up to the workload, e.g. Deployment */
  workload_kind: null | string;
  workload_name: null | string;
  privileged: boolean;
  host_pid: boolean;
  host_network: boolean;
  host_ipc: boolean;
  host_path_mounts: Array<string>;
}

/** One observed security-relevant action. Used by tracehound.events.raw (k8s and enrichment null) and tracehound.events.enriched. Exactly the block named by kind is set, besides process. */
export interface Event {
  /** unique, stable across retries */
  id: string;
  /** ns since the Unix epoch */
  ts: bigint;
  node: string;
  kind: EventKind;
  /** null on events.raw; set by the enricher */
  enrichment: null | Enrichment;
  process: null | Process;
  exec: null | Exec;
  exit: null | Exit;
  fork: null | Fork;
  file: null | File;
  net: null | Net;
  privilege: null | Privilege;
  capability: null | Capability;
  ptrace: null | Ptrace;
  module: null | Module;
  mount: null | Mount;
  namespace_change: null | NamespaceChange;
  memfd: null | Memfd;
  dup: null | Dup;
  bpf: null | Bpf;
  audit: null | Audit;
  stats: null | AgentStats;
  k8s: null | K8s;
}

export interface RuleRef {
  id: string;
  name: string;
  version: number;
}

export const SEVERITY_SYMBOLS = ["info","low","medium","high","critical"] as const;
export type Severity = (typeof SEVERITY_SYMBOLS)[number];

export const STATEFUL_TYPE_SYMBOLS = ["threshold","sequence"] as const;
export type StatefulType = (typeof STATEFUL_TYPE_SYMBOLS)[number];

export interface StatefulMatch {
  type: StatefulType;
  key: string;
  window_start: bigint;
  window_end: bigint;
  count: number;
  event_ids: Array<string>;
}

/** A rule match. The id is deterministic: the same rule version and the same event (or window, for stateful rules) give the same id. */
export interface Alert {
  id: string;
  /** when the detector raised it, ns since the Unix epoch */
  ts: bigint;
  rule: RuleRef;
  severity: Severity;
  /** maturity first, then the rest */
  tags: Array<string>;
  /** MITRE ATT&CK technique ids, e.g. T1059.004 */
  mitre: Array<string>;
  /** the rule's output template rendered with the event */
  message: string;
  stateful: null | StatefulMatch;
  /** the triggering event (the last one, for stateful rules) */
  event: Event;
}

export const DELIVERY_OUTCOME_SYMBOLS = ["unknown","delivered","retrying","failed","dropped"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOME_SYMBOLS)[number];

/** One attempt, or the final result, of delivering a notification message (one alert, or a group of alerts of one rule) to one route. tracehound.notify.deliveries; key: route id/message id. */
export interface Delivery {
  /** message id: the same on every attempt of one message */
  id: string;
  /** when the result was known, ns since the Unix epoch */
  ts: bigint;
  route_id: string;
  /** the output kind: slack, webhook, smtp, teams, mattermost, ... */
  route_kind: string;
  rule_id: string;
  severity: Severity;
  alert_ids: Array<string>;
  /** retrying: an attempt failed and another follows; delivered, failed and dropped are final */
  outcome: DeliveryOutcome;
  attempt: number;
  /** HTTP status or SMTP reply code, when there was one */
  status_code: null | number;
  error: null | string;
  duration_ms: number;
  /** alerts waiting for this route when the record was written */
  backlog: number;
}
