import type { Event, Process } from '@tracehound/schemas';
import { EVENTS } from '../migrations/0001-events.js';
import { insertColumns } from '../schema/table.js';
import { nsToClickHouse } from './nanos.js';
import type { NativeColumns } from './native.js';

/** The kind-specific blocks of an Event; exactly one is set (plus process), stored as JSON in `details`. */
export const EVENT_BLOCKS = ['exec', 'exit', 'fork', 'file', 'net', 'privilege', 'capability', 'ptrace', 'module', 'mount', 'namespace_change', 'memfd', 'dup', 'bpf', 'audit', 'stats'] as const;

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

type Getter = (e: Event, src: SourceOffset) => unknown;
const k8s = (get: (k: NonNullable<Event['k8s']>) => unknown, none: unknown = ''): Getter => (e) => (e.k8s ? get(e.k8s) : none) ?? none;
const proc = (get: (p: Process) => unknown, none: unknown = 0): Getter => (e) => (e.process ? get(e.process) : none) ?? none;

/** `JSON.stringify({ [block]: value, … })` of the blocks set, in EVENT_BLOCKS order, without making that object. */
function detailsOf(e: Event): string {
  let json = '';
  for (const b of EVENT_BLOCKS) {
    const block = e[b];
    if (block !== null && block !== undefined) json += `${json ? ',' : '{'}"${b}":${JSON.stringify(block)}`;
  }
  return json ? `${json}}` : '{}';
}

/**
 * The value of every `events` column an Event fills, in EVENTS column order: the one mapping
 * behind both eventToRow (JSON) and EVENT_NATIVE_COLUMNS (Native). DateTime64 columns are bigint ns here.
 */
const EVENT_COLUMNS: ReadonlyArray<readonly [string, Getter]> = [
  ['ts', (e) => e.ts],
  ['id', (e) => e.id],
  ['node', (e) => e.node],
  ['kind', (e) => e.kind],
  ['enrichment', (e) => s(e.enrichment)],
  ['has_k8s', (e) => e.k8s !== null],
  ['cluster', k8s((k) => k.cluster)],
  ['namespace', (e) => e.k8s?.namespace ?? e.audit?.namespace ?? ''],
  ['pod', k8s((k) => k.pod)],
  ['pod_uid', k8s((k) => k.pod_uid)],
  ['container', k8s((k) => k.container)],
  ['image', k8s((k) => k.image)],
  ['image_id', k8s((k) => k.image_id)],
  ['service_account', k8s((k) => k.service_account)],
  ['k8s_node', k8s((k) => k.node)],
  ['owner_kind', k8s((k) => k.owner_kind)],
  ['owner_name', k8s((k) => k.owner_name)],
  ['workload_kind', k8s((k) => k.workload_kind)],
  ['workload', k8s((k) => k.workload_name)],
  ['pod_labels', k8s((k) => k.pod_labels, {})],
  ['namespace_labels', k8s((k) => k.namespace_labels, {})],
  ['pod_annotations', k8s((k) => k.pod_annotations, {})],
  ['privileged', k8s((k) => k.privileged, false)],
  ['host_pid', k8s((k) => k.host_pid, false)],
  ['host_network', k8s((k) => k.host_network, false)],
  ['host_ipc', k8s((k) => k.host_ipc, false)],
  ['host_path_mounts', k8s((k) => k.host_path_mounts, [])],
  ['has_process', (e) => e.process !== null],
  ['pid', proc((p) => p.pid)],
  ['tid', proc((p) => p.tid)],
  ['ppid', proc((p) => p.ppid)],
  ['uid', proc((p) => p.uid)],
  ['gid', proc((p) => p.gid)],
  ['euid', proc((p) => p.euid)],
  ['egid', proc((p) => p.egid)],
  ['loginuid', proc((p) => p.loginuid)],
  ['comm', proc((p) => p.comm, '')],
  ['exe', proc((p) => p.exe, '')],
  ['args', proc((p) => p.args, [])],
  ['args_truncated', proc((p) => p.args_truncated, false)],
  ['cwd', proc((p) => p.cwd, '')],
  ['tty', proc((p) => p.tty, '')],
  ['process_start', proc((p) => p.start_time, 0n)],
  ['cgroup_id', proc((p) => p.cgroup_id)],
  ['cgroup_path', proc((p) => p.cgroup_path, '')],
  ['container_id', proc((p) => p.container_id, '')],
  ['ns_mnt', proc((p) => p.ns.mnt)],
  ['ns_pid', proc((p) => p.ns.pid)],
  ['ns_net', proc((p) => p.ns.net)],
  ['ns_user', proc((p) => p.ns.user)],
  ['ns_uts', proc((p) => p.ns.uts)],
  ['ns_ipc', proc((p) => p.ns.ipc)],
  ['ns_cgroup', proc((p) => p.ns.cgroup)],
  ['ancestor_pids', proc((p) => p.ancestors.map((a) => a.pid), [])],
  ['ancestor_comms', proc((p) => p.ancestors.map((a) => a.comm), [])],
  ['ancestor_exes', proc((p) => p.ancestors.map((a) => a.exe), [])],
  ['ancestor_args', proc((p) => p.ancestors.map((a) => a.args), [])],
  ['file_path', (e) => e.file?.path ?? e.module?.path ?? e.mount?.target ?? ''],
  ['file_new_path', (e) => s(e.file?.new_path)],
  ['file_flags', (e) => e.file?.flags ?? 0],
  ['file_mode', (e) => e.file?.mode ?? 0],
  ['net_family', (e) => e.net?.family ?? e.dup?.socket_family ?? ''],
  ['net_direction', (e) => e.net?.direction ?? ''],
  ['net_protocol', (e) => e.net?.protocol ?? 0],
  ['net_src_addr', (e) => s(e.net?.src_addr)],
  ['net_src_port', (e) => e.net?.src_port ?? 0],
  ['net_dst_addr', (e) => e.net?.dst_addr ?? e.dup?.remote_addr ?? ''],
  ['net_dst_port', (e) => e.net?.dst_port ?? e.dup?.remote_port ?? 0],
  ['audit_verb', (e) => s(e.audit?.verb)],
  ['audit_user', (e) => s(e.audit?.user)],
  ['audit_resource', (e) => s(e.audit?.resource)],
  ['result', resultOf],
  ['details', detailsOf],
  ['kafka_topic', (_e, src) => src.topic],
  ['kafka_partition', (_e, src) => src.partition],
  ['kafka_offset', (_e, src) => src.offset],
];
const BY_NAME = new Map(EVENT_COLUMNS);
/** In the order the migration sends its columns; a column without a getter fails at load. */
const GETTERS = insertColumns(EVENTS).map((name) => {
  const get = BY_NAME.get(name);
  if (!get) throw new Error(`events column ${name} has no value in EVENT_COLUMNS`);
  return get;
});
const NS_COLUMNS = new Set(['ts', 'process_start']);

/** An Event as a row of the `events` table (JSONEachRow object, keys = EVENTS column names). */
export function eventToRow(e: Event, src: SourceOffset): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, get] of EVENT_COLUMNS) {
    const v = get(e, src);
    row[name] = NS_COLUMNS.has(name) ? nsToClickHouse(v as bigint) : v;
  }
  return row;
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

/** A decoded Event and where it came from (a consumed Kafka record is one). */
export interface EventRecord extends SourceOffset {
  value: Event;
}

/**
 * The `events` columns in insertColumns(EVENTS) order, each read straight from a record:
 * `encodeNative(EVENTS, records, EVENT_NATIVE_COLUMNS)` writes a Native block with no array per row.
 */
export const EVENT_NATIVE_COLUMNS: NativeColumns<EventRecord> = GETTERS.map((get) => (r: EventRecord) => get(r.value, r));
