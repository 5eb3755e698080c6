import type { Event, Process } from '@tracehound/schemas';
import { nsToClickHouse } from './nanos.js';

/** The kind-specific blocks of an Event; exactly one is set (plus process), stored as JSON in `details`. */
export const EVENT_BLOCKS = ['exec', 'exit', 'fork', 'file', 'net', 'privilege', 'capability', 'ptrace', 'module', 'mount', 'namespace_change', 'memfd', 'dup', 'bpf', 'audit', 'stats'] as const;
type BlockName = (typeof EVENT_BLOCKS)[number];

export interface SourceOffset {
  topic: string;
  partition: number;
  offset: string;
}

const s = (v: string | null | undefined): string => v ?? '';

function resultOf(e: Event): number {
  for (const b of EVENT_BLOCKS) {
    const block = e[b] as { result?: unknown } | null;
    if (block && typeof block.result === 'number') return block.result;
  }
  return 0;
}

/** An Event as a row of the `events` table (JSONEachRow object, keys = EVENTS column names). */
export function eventToRow(e: Event, src: SourceOffset): Record<string, unknown> {
  const k = e.k8s;
  const p = e.process;
  const blocks: Partial<Record<BlockName, unknown>> = {};
  for (const b of EVENT_BLOCKS) if (e[b] !== null && e[b] !== undefined) blocks[b] = e[b];
  return {
    ts: nsToClickHouse(e.ts),
    id: e.id,
    node: e.node,
    kind: e.kind,
    enrichment: s(e.enrichment),
    has_k8s: k !== null,
    cluster: s(k?.cluster),
    namespace: k?.namespace ?? e.audit?.namespace ?? '',
    pod: s(k?.pod),
    pod_uid: s(k?.pod_uid),
    container: s(k?.container),
    image: s(k?.image),
    image_id: s(k?.image_id),
    service_account: s(k?.service_account),
    k8s_node: s(k?.node),
    owner_kind: s(k?.owner_kind),
    owner_name: s(k?.owner_name),
    workload_kind: s(k?.workload_kind),
    workload: s(k?.workload_name),
    pod_labels: k?.pod_labels ?? {},
    namespace_labels: k?.namespace_labels ?? {},
    pod_annotations: k?.pod_annotations ?? {},
    privileged: k?.privileged ?? false,
    host_pid: k?.host_pid ?? false,
    host_network: k?.host_network ?? false,
    host_ipc: k?.host_ipc ?? false,
    host_path_mounts: k?.host_path_mounts ?? [],
    has_process: p !== null,
    pid: p?.pid ?? 0,
    tid: p?.tid ?? 0,
    ppid: p?.ppid ?? 0,
    uid: p?.uid ?? 0,
    gid: p?.gid ?? 0,
    euid: p?.euid ?? 0,
    egid: p?.egid ?? 0,
    loginuid: p?.loginuid ?? 0,
    comm: s(p?.comm),
    exe: s(p?.exe),
    args: p?.args ?? [],
    args_truncated: p?.args_truncated ?? false,
    cwd: s(p?.cwd),
    tty: s(p?.tty),
    process_start: nsToClickHouse(p?.start_time ?? 0n),
    cgroup_id: p?.cgroup_id ?? 0,
    cgroup_path: s(p?.cgroup_path),
    container_id: s(p?.container_id),
    ns_mnt: p?.ns.mnt ?? 0,
    ns_pid: p?.ns.pid ?? 0,
    ns_net: p?.ns.net ?? 0,
    ns_user: p?.ns.user ?? 0,
    ns_uts: p?.ns.uts ?? 0,
    ns_ipc: p?.ns.ipc ?? 0,
    ns_cgroup: p?.ns.cgroup ?? 0,
    ancestor_pids: p?.ancestors.map((a) => a.pid) ?? [],
    ancestor_comms: p?.ancestors.map((a) => a.comm) ?? [],
    ancestor_exes: p?.ancestors.map((a) => a.exe) ?? [],
    ancestor_args: p?.ancestors.map((a) => a.args) ?? [],
    file_path: e.file?.path ?? e.module?.path ?? e.mount?.target ?? '',
    file_new_path: s(e.file?.new_path),
    file_flags: e.file?.flags ?? 0,
    file_mode: e.file?.mode ?? 0,
    net_family: e.net?.family ?? e.dup?.socket_family ?? '',
    net_direction: e.net?.direction ?? '',
    net_protocol: e.net?.protocol ?? 0,
    net_src_addr: s(e.net?.src_addr),
    net_src_port: e.net?.src_port ?? 0,
    net_dst_addr: e.net?.dst_addr ?? e.dup?.remote_addr ?? '',
    net_dst_port: e.net?.dst_port ?? e.dup?.remote_port ?? 0,
    audit_verb: s(e.audit?.verb),
    audit_user: s(e.audit?.user),
    audit_resource: s(e.audit?.resource),
    result: resultOf(e),
    details: JSON.stringify(blocks),
    kafka_topic: src.topic,
    kafka_partition: src.partition,
    kafka_offset: src.offset,
  };
}

/** A row as ClickHouse returns it (JSONEachRow): 64-bit integers and DateTime64 come as strings. */
export type EventRow = Record<string, unknown>;

const n = (v: unknown): number => Number(v ?? 0);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const nul = (v: unknown): string | null => (v === '' || v === undefined || v === null ? null : String(v));

/** Nanoseconds of a DateTime64(9) column selected as `toUnixTimestamp64Nano(col)`. */
const nsOf = (v: unknown): bigint => BigInt(str(v) || '0');

/**
 * Rebuilds the Event from a row selected with EVENT_SELECT (used by the backtest, so rules see
 * the same record the detector saw). Nullable strings that were null come back null, '' too.
 */
export function rowToEvent(r: EventRow): Event {
  const blocks = JSON.parse(str(r.details) || '{}') as Partial<Event>;
  const process: Process | null = r.has_process
    ? {
        pid: n(r.pid), tid: n(r.tid), ppid: n(r.ppid), uid: n(r.uid), gid: n(r.gid), euid: n(r.euid), egid: n(r.egid), loginuid: n(r.loginuid),
        comm: str(r.comm), exe: str(r.exe), args: (r.args as string[]) ?? [], args_truncated: Boolean(r.args_truncated),
        cwd: nul(r.cwd), tty: nul(r.tty), start_time: nsOf(r.process_start_ns), cgroup_id: n(r.cgroup_id), cgroup_path: nul(r.cgroup_path),
        container_id: nul(r.container_id),
        ns: { mnt: n(r.ns_mnt), pid: n(r.ns_pid), net: n(r.ns_net), user: n(r.ns_user), uts: n(r.ns_uts), ipc: n(r.ns_ipc), cgroup: n(r.ns_cgroup) },
        ancestors: ((r.ancestor_pids as unknown[]) ?? []).map((pid, i) => ({
          pid: n(pid), comm: str((r.ancestor_comms as string[])[i]), exe: str((r.ancestor_exes as string[])[i]), args: (r.ancestor_args as string[][])[i] ?? [],
        })),
      }
    : null;
  const e: Event = {
    id: str(r.id), ts: nsOf(r.ts_ns), node: str(r.node), kind: str(r.kind) as Event['kind'], enrichment: (nul(r.enrichment) as Event['enrichment']),
    process, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null, ptrace: null, module: null, mount: null,
    namespace_change: null, memfd: null, dup: null, bpf: null, audit: null, stats: null,
    k8s: r.has_k8s
      ? {
          cluster: nul(r.cluster), namespace: nul(r.namespace), namespace_labels: (r.namespace_labels as Record<string, string>) ?? {}, pod: nul(r.pod),
          pod_uid: nul(r.pod_uid), pod_labels: (r.pod_labels as Record<string, string>) ?? {}, pod_annotations: (r.pod_annotations as Record<string, string>) ?? {},
          container: nul(r.container), image: nul(r.image), image_id: nul(r.image_id), service_account: nul(r.service_account), node: nul(r.k8s_node),
          owner_kind: nul(r.owner_kind), owner_name: nul(r.owner_name), workload_kind: nul(r.workload_kind), workload_name: nul(r.workload),
          privileged: Boolean(r.privileged), host_pid: Boolean(r.host_pid), host_network: Boolean(r.host_network), host_ipc: Boolean(r.host_ipc),
          host_path_mounts: (r.host_path_mounts as string[]) ?? [],
        }
      : null,
  };
  return Object.assign(e, blocks);
}

/** The SELECT list that rowToEvent reads: every stored column plus exact nanoseconds. */
export const EVENT_SELECT = '*, toString(toUnixTimestamp64Nano(ts)) AS ts_ns, toString(toUnixTimestamp64Nano(process_start)) AS process_start_ns';
