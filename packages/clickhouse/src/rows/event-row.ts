import type { Event, Process } from '@tracehound/schemas';
import { EVENTS } from '../migrations/0001-events.js';
import { insertedColumns } from '../schema/table.js';
import { nsToClickHouse } from './nanos.js';
import type { NativeColumnGetters } from './native.js';

/** The kind-specific blocks of an Event; exactly one is set (plus process), stored as JSON in `details`. */
export const EVENT_BLOCKS = ['exec', 'exit', 'fork', 'file', 'net', 'privilege', 'capability', 'ptrace', 'module', 'mount', 'namespace_change', 'memfd', 'dup', 'bpf', 'audit', 'stats'] as const;

export interface SourceOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Where an `events` column's value comes from in an Event (the one mapping behind the JSON, Native and Avro writers). */
export type EventSource =
  /** The first of these dot paths that is set (not null), else the column type's zero ('' / 0 / false / [] / {}). */
  | { from: readonly string[] }
  /** Whether a nullable field is set. */
  | { present: string }
  /** One field of each record of an array (e.g. each ancestor's pid). */
  | { each: string; field: string }
  /** Computed from the whole event (result, details) or from where the record was read. */
  | { computed: 'result' | 'details' | 'topic' | 'partition' | 'offset' };

const from = (...paths: string[]): EventSource => ({ from: paths });
const ancestors = (field: string): EventSource => ({ each: 'process.ancestors', field });

/**
 * Every `events` column an Event fills, in EVENTS column order. DateTime64 columns are bigint ns
 * in records; the paths are checked against the Avro schema when the Avro writer is built.
 */
export const EVENT_SOURCES: ReadonlyArray<readonly [string, EventSource]> = [
  ['ts', from('ts')],
  ['id', from('id')],
  ['node', from('node')],
  ['kind', from('kind')],
  ['enrichment', from('enrichment')],
  ['has_k8s', { present: 'k8s' }],
  ['cluster', from('k8s.cluster')],
  ['namespace', from('k8s.namespace', 'audit.namespace')],
  ['pod', from('k8s.pod')],
  ['pod_uid', from('k8s.pod_uid')],
  ['container', from('k8s.container')],
  ['image', from('k8s.image')],
  ['image_id', from('k8s.image_id')],
  ['service_account', from('k8s.service_account')],
  ['k8s_node', from('k8s.node')],
  ['owner_kind', from('k8s.owner_kind')],
  ['owner_name', from('k8s.owner_name')],
  ['workload_kind', from('k8s.workload_kind')],
  ['workload', from('k8s.workload_name')],
  ['pod_labels', from('k8s.pod_labels')],
  ['namespace_labels', from('k8s.namespace_labels')],
  ['pod_annotations', from('k8s.pod_annotations')],
  ['privileged', from('k8s.privileged')],
  ['host_pid', from('k8s.host_pid')],
  ['host_network', from('k8s.host_network')],
  ['host_ipc', from('k8s.host_ipc')],
  ['host_path_mounts', from('k8s.host_path_mounts')],
  ['has_process', { present: 'process' }],
  ['pid', from('process.pid')],
  ['tid', from('process.tid')],
  ['ppid', from('process.ppid')],
  ['uid', from('process.uid')],
  ['gid', from('process.gid')],
  ['euid', from('process.euid')],
  ['egid', from('process.egid')],
  ['loginuid', from('process.loginuid')],
  ['comm', from('process.comm')],
  ['exe', from('process.exe')],
  ['args', from('process.args')],
  ['args_truncated', from('process.args_truncated')],
  ['cwd', from('process.cwd')],
  ['tty', from('process.tty')],
  ['process_start', from('process.start_time')],
  ['cgroup_id', from('process.cgroup_id')],
  ['cgroup_path', from('process.cgroup_path')],
  ['container_id', from('process.container_id')],
  ['ns_mnt', from('process.ns.mnt')],
  ['ns_pid', from('process.ns.pid')],
  ['ns_net', from('process.ns.net')],
  ['ns_user', from('process.ns.user')],
  ['ns_uts', from('process.ns.uts')],
  ['ns_ipc', from('process.ns.ipc')],
  ['ns_cgroup', from('process.ns.cgroup')],
  ['ancestor_pids', ancestors('pid')],
  ['ancestor_comms', ancestors('comm')],
  ['ancestor_exes', ancestors('exe')],
  ['ancestor_args', ancestors('args')],
  ['file_path', from('file.path', 'module.path', 'mount.target')],
  ['file_new_path', from('file.new_path')],
  ['file_flags', from('file.flags')],
  ['file_mode', from('file.mode')],
  ['net_family', from('net.family', 'dup.socket_family')],
  ['net_direction', from('net.direction')],
  ['net_protocol', from('net.protocol')],
  ['net_src_addr', from('net.src_addr')],
  ['net_src_port', from('net.src_port')],
  ['net_dst_addr', from('net.dst_addr', 'dup.remote_addr')],
  ['net_dst_port', from('net.dst_port', 'dup.remote_port')],
  ['audit_verb', from('audit.verb')],
  ['audit_user', from('audit.user')],
  ['audit_resource', from('audit.resource')],
  ['result', { computed: 'result' }],
  ['details', { computed: 'details' }],
  ['kafka_topic', { computed: 'topic' }],
  ['kafka_partition', { computed: 'partition' }],
  ['kafka_offset', { computed: 'offset' }],
];

/** The value of a column type where its source is not set. */
export function zeroOf(type: string): unknown {
  if (type.startsWith('Array(')) return [];
  if (type.startsWith('Map(')) return {};
  if (type === 'Bool') return false;
  if (type.startsWith('DateTime64')) return 0n;
  if (/^U?Int\d+$/.test(type)) return 0;
  return '';
}

/** The events columns writers send, with their types and sources, in insertColumns order; a column without a source fails at load. */
export const EVENT_COLUMN_SOURCES: ReadonlyArray<{ name: string; type: string; source: EventSource }> = (() => {
  const byName = new Map(EVENT_SOURCES);
  return insertedColumns(EVENTS).map(({ name, type }) => {
    const source = byName.get(name);
    if (!source) throw new Error(`events column ${name} has no source in EVENT_SOURCES`);
    return { name, type, source };
  });
})();

type Getter = (e: Event, src: SourceOffset) => unknown;

/** Reads a dot path of an Event object (undefined past a null record). */
function pathGetter(path: string): (e: Event) => unknown {
  const [a, b, c, ...rest] = path.split('.') as [string, string?, string?];
  if (rest.length) throw new Error(`event path ${path} is deeper than three fields`);
  type O = Record<string, unknown> | null | undefined;
  if (c !== undefined) return (e) => ((e as unknown as Record<string, O>)[a]?.[b!] as O)?.[c];
  if (b !== undefined) return (e) => (e as unknown as Record<string, O>)[a]?.[b];
  return (e) => (e as unknown as Record<string, unknown>)[a];
}

function resultOf(e: Event): number {
  for (const b of EVENT_BLOCKS) {
    const block = e[b] as { result?: unknown } | null;
    if (block && typeof block.result === 'number') return block.result;
  }
  return 0;
}

/** `JSON.stringify({ [block]: value, … })` of the blocks set, in EVENT_BLOCKS order, without making that object. */
function detailsOf(e: Event): string {
  let json = '';
  for (const b of EVENT_BLOCKS) {
    const block = e[b];
    if (block !== null && block !== undefined) json += `${json ? ',' : '{'}"${b}":${JSON.stringify(block)}`;
  }
  return json ? `${json}}` : '{}';
}

const COMPUTED: Record<Extract<EventSource, { computed: string }>['computed'], Getter> = {
  result: resultOf,
  details: detailsOf,
  topic: (_e, src) => src.topic,
  partition: (_e, src) => src.partition,
  offset: (_e, src) => src.offset,
};

/** A column's value from an Event object. */
function getterOf(type: string, source: EventSource): Getter {
  if ('computed' in source) return COMPUTED[source.computed];
  if ('present' in source) {
    const get = pathGetter(source.present);
    return (e) => get(e) != null;
  }
  if ('each' in source) {
    const list = pathGetter(source.each);
    const field = source.field;
    return (e) => ((list(e) ?? []) as Array<Record<string, unknown>>).map((item) => item[field]);
  }
  const zero = zeroOf(type);
  const gets = source.from.map(pathGetter);
  if (gets.length === 1) {
    const get = gets[0]!;
    return (e) => get(e) ?? zero;
  }
  return (e) => {
    for (const get of gets) {
      const v = get(e);
      if (v !== null && v !== undefined) return v;
    }
    return zero;
  };
}

const EVENT_COLUMNS: ReadonlyArray<readonly [string, Getter]> = EVENT_COLUMN_SOURCES.map(({ name, type, source }) => [name, getterOf(type, source)] as const);
const GETTERS = EVENT_COLUMNS.map(([, get]) => get);
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
export const EVENT_NATIVE_COLUMNS: NativeColumnGetters<EventRecord> = GETTERS.map((get) => (r: EventRecord) => get(r.value, r));
