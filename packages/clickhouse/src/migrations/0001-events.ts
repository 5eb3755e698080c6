import { createTable, type TableSpec } from '../schema/table.js';
import { KAFKA_PROGRESS_PROJECTION, REPLACING_WITH_PROJECTIONS, T, type Migration } from './migration.js';

/**
 * Parts of the events table below this many uncompressed bytes are written Compact (one data file
 * with every column) rather than Wide (two files per column and stream, a few hundred here). An
 * insert of the sink's 20,000 rows is ~17 MiB, above the engine's default 10 MiB: as Wide parts,
 * creating their files in the file system took most of the insert thread's CPU, and Compact parts
 * took the sink from ~45k to ~80k rows/s (bench/sink-kafka.ts). Merged parts above it are Wide,
 * as queries over large parts want.
 */
export const EVENTS_WIDE_PART_BYTES = 128 * 1024 * 1024;

/**
 * The flattened Event (schemas/avro/Event.avsc): one column per field people filter or group
 * on; the kind-specific block as JSON in `details` so nothing is lost. Row mapping:
 * src/rows/event-row.ts. Sort key and codecs: see bench/sink-layout.ts and README "Storage".
 */
export const EVENTS = {
  name: 'events',
  columns: [
    { name: 'ts', type: T.NS, codec: 'DoubleDelta, ZSTD(1)' },
    { name: 'id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'node', type: T.LC },
    { name: 'kind', type: T.LC },
    { name: 'enrichment', type: T.LC },
    { name: 'has_k8s', type: T.B },
    { name: 'cluster', type: T.LC },
    { name: 'namespace', type: T.LC },
    { name: 'pod', type: T.LC },
    { name: 'pod_uid', type: T.S, codec: 'ZSTD(1)' },
    { name: 'container', type: T.LC },
    { name: 'image', type: T.LC },
    { name: 'image_id', type: T.LC },
    { name: 'service_account', type: T.LC },
    { name: 'k8s_node', type: T.LC },
    { name: 'owner_kind', type: T.LC },
    { name: 'owner_name', type: T.LC },
    { name: 'workload_kind', type: T.LC },
    { name: 'workload', type: T.LC },
    { name: 'pod_labels', type: T.MAP, codec: 'ZSTD(1)' },
    { name: 'namespace_labels', type: T.MAP, codec: 'ZSTD(1)' },
    { name: 'pod_annotations', type: T.MAP, codec: 'ZSTD(1)' },
    { name: 'privileged', type: T.B },
    { name: 'host_pid', type: T.B },
    { name: 'host_network', type: T.B },
    { name: 'host_ipc', type: T.B },
    { name: 'host_path_mounts', type: T.ARR, codec: 'ZSTD(1)' },
    { name: 'has_process', type: T.B },
    { name: 'pid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'tid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ppid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'uid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'gid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'euid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'egid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'loginuid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'comm', type: T.LC },
    { name: 'exe', type: T.LC },
    { name: 'args', type: T.ARR, codec: 'ZSTD(3)' },
    { name: 'args_truncated', type: T.B },
    { name: 'cwd', type: T.LC },
    { name: 'tty', type: T.LC },
    { name: 'process_start', type: T.NS, codec: 'Delta, ZSTD(1)' },
    { name: 'cgroup_id', type: T.U64, codec: 'ZSTD(1)' },
    { name: 'cgroup_path', type: T.S, codec: 'ZSTD(1)' },
    { name: 'container_id', type: T.S, codec: 'ZSTD(1)' },
    { name: 'ns_mnt', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_pid', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_net', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_user', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_uts', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_ipc', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ns_cgroup', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'ancestor_pids', type: 'Array(UInt32)', codec: 'ZSTD(1)' },
    { name: 'ancestor_comms', type: `Array(${T.LC})` },
    { name: 'ancestor_exes', type: `Array(${T.LC})` },
    { name: 'ancestor_args', type: 'Array(Array(String))', codec: 'ZSTD(3)' },
    { name: 'file_path', type: T.S, codec: 'ZSTD(1)' },
    { name: 'file_new_path', type: T.S, codec: 'ZSTD(1)' },
    { name: 'file_flags', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'file_mode', type: T.U32, codec: 'ZSTD(1)' },
    { name: 'net_family', type: T.LC },
    { name: 'net_direction', type: T.LC },
    { name: 'net_protocol', type: T.U16 },
    { name: 'net_src_addr', type: T.S, codec: 'ZSTD(1)' },
    { name: 'net_src_port', type: T.U16, codec: 'ZSTD(1)' },
    { name: 'net_dst_addr', type: T.S, codec: 'ZSTD(1)' },
    { name: 'net_dst_port', type: T.U16, codec: 'ZSTD(1)' },
    // IPv4 becomes ::ffff:a.b.c.d, so one range test serves both families; not an address -> '::'.
    { name: 'net_dst_ip', type: 'IPv6', expression: 'MATERIALIZED toIPv6OrDefault(net_dst_addr)', codec: 'ZSTD(1)' },
    { name: 'audit_verb', type: T.LC },
    { name: 'audit_user', type: T.LC },
    { name: 'audit_resource', type: T.LC },
    { name: 'result', type: T.I32, codec: 'ZSTD(1)' },
    { name: 'details', type: T.S, codec: 'ZSTD(3)' },
    { name: 'kafka_topic', type: T.LC },
    { name: 'kafka_partition', type: T.U32 },
    { name: 'kafka_offset', type: T.U64, codec: 'Delta, ZSTD(1)' },
  ],
  engine: 'ReplacingMergeTree',
  partitionBy: 'toYYYYMMDD(ts)',
  orderBy: '(namespace, ts, id)',
  indexes: [
    'idx_id id TYPE bloom_filter(0.001) GRANULARITY 1',
    'idx_pod pod TYPE set(1000) GRANULARITY 4',
    'idx_comm comm TYPE bloom_filter(0.01) GRANULARITY 4',
    'idx_container_id container_id TYPE bloom_filter(0.01) GRANULARITY 4',
  ],
  ttl: (ctx) => `toDateTime(ts) + toIntervalDay(${ctx.retention.eventsDays})`,
  projections: [KAFKA_PROGRESS_PROJECTION],
  dedupWindow: 1000,
  settings: { ttl_only_drop_parts: 1, ...REPLACING_WITH_PROJECTIONS, min_bytes_for_wide_part: EVENTS_WIDE_PART_BYTES },
  shardBy: 'cityHash64(id)',
} as const satisfies TableSpec;

export const migration: Migration = { version: 1, name: 'events', up: (ctx) => createTable(ctx, EVENTS), tables: [EVENTS] };
