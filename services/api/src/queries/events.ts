import type { Static } from '@sinclair/typebox';
import { qualified, selectRows, nsToIso, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { scopeCondition, type Principal } from '../auth/principal.js';
import { EVENT_VIEW_COLUMNS, type EventQuery } from '../schemas/events.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ipRange } from './ip-range.js';
import { timeRange } from './time.js';
import { Where } from './where.js';

type Query = Static<typeof EventQuery>;
export type EventJson = Record<string, unknown>;

/** Multi-valued equality filters: request field → column and type. The allow-list of identifiers. */
const EQUALITY: Record<string, [column: string, type: string]> = {
  namespace: ['namespace', 'String'],
  pod: ['pod', 'String'],
  container: ['container', 'String'],
  workload: ['workload', 'String'],
  node: ['node', 'String'],
  kind: ['kind', 'String'],
  comm: ['comm', 'String'],
  exe: ['exe', 'String'],
  enrichment: ['enrichment', 'String'],
  port: ['net_dst_port', 'UInt16'],
  uid: ['uid', 'UInt32'],
};

const SELECT = EVENT_VIEW_COLUMNS.map((c) => (c === 'ts' ? 'toString(toUnixTimestamp64Nano(ts)) AS ts_ns' : c === 'process_start' ? 'toString(toUnixTimestamp64Nano(process_start)) AS process_start_ns' : c)).join(', ');
const U64 = new Set(['cgroup_id']);

/** A row as the API returns it (EventView). */
export function eventJson(r: Record<string, unknown>): EventJson {
  const { ts_ns, process_start_ns, details, ...rest } = r;
  for (const k of U64) if (k in rest) rest[k] = String(rest[k]);
  return { time: nsToIso(String(ts_ns)), ts: String(ts_ns), process_start: String(process_start_ns), ...rest, details: JSON.parse(String(details || '{}')) };
}

export class EventQueries {
  private readonly table: string;
  constructor(private readonly ch: ClickHouseLike, database: string, private readonly limits: QueryLimits) {
    this.table = qualified({ database }, 'events');
  }

  /** One page of events matching the filters, within the caller's namespaces. */
  async list(p: Principal, q: Query): Promise<{ items: EventJson[]; nextCursor: string | null }> {
    const w = new Where();
    const range = timeRange(q, 24 * 3_600_000);
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params);
    w.and(`ts >= fromUnixTimestamp64Nano(${w.bind(range.from.toString(), 'Int64')}) AND ts < fromUnixTimestamp64Nano(${w.bind(range.to.toString(), 'Int64')})`);
    for (const [field, [column, type]] of Object.entries(EQUALITY)) w.anyOf(column, (q as Record<string, unknown[] | undefined>)[field], type);
    if (q.path) w.and(`startsWith(file_path, ${w.bind(q.path, 'String')})`);
    if (q.dst) {
      const r = ipRange(q.dst, 'dst');
      w.and(`net_dst_ip BETWEEN toIPv6(${w.bind(r.lo, 'String')}) AND toIPv6(${w.bind(r.hi, 'String')})`);
    }
    if (q.q) w.and(`arrayExists(a -> positionCaseInsensitiveUTF8(a, ${w.bind(q.q, 'String')}) > 0, args)`);
    const desc = (q.order ?? 'desc') === 'desc';
    const cursor = decodeCursor(q.cursor);
    if (cursor) w.and(`(ts, id) ${desc ? '<' : '>'} (fromUnixTimestamp64Nano(${w.bind(cursor.ts, 'Int64')}), ${w.bind(cursor.id, 'String')})`);
    const limit = q.limit ?? 100;
    const dir = desc ? 'DESC' : 'ASC';
    const rows = await selectRows<Record<string, unknown>>(this.ch, `SELECT ${SELECT} FROM ${this.table} WHERE ${w.sql} ORDER BY ts ${dir}, id ${dir} LIMIT ${w.bind(limit + 1, 'UInt32')}`, w.params, this.limits);
    const items = rows.slice(0, limit).map(eventJson);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(String(last.ts), String(last.id)) : null };
  }

  /** One event by id, if the caller may see it; with its ancestry and the other events of its process. */
  async get(p: Principal, id: string): Promise<{ event: EventJson; ancestry: Array<{ pid: number; comm: string; exe: string; args: string[] }>; related: EventJson[] } | undefined> {
    const w = new Where();
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params).and(`id = ${w.bind(id, 'String')}`);
    const [row] = await selectRows<Record<string, unknown>>(this.ch, `SELECT ${SELECT} FROM ${this.table} WHERE ${w.sql} LIMIT 1`, w.params, this.limits);
    if (!row) return undefined;
    const event = eventJson(row);
    const pids = (row.ancestor_pids as number[]) ?? [];
    const ancestry = pids.map((pid, i) => ({ pid: Number(pid), comm: (row.ancestor_comms as string[])[i] ?? '', exe: (row.ancestor_exes as string[])[i] ?? '', args: (row.ancestor_args as string[][])[i] ?? [] }));
    let related: EventJson[] = [];
    if (row.has_process) {
      const r = new Where();
      r.and(scope.sql, scope.params)
        .and(`node = ${r.bind(row.node, 'String')} AND pid = ${r.bind(row.pid, 'UInt32')}`)
        .and(`process_start = fromUnixTimestamp64Nano(${r.bind(row.process_start_ns, 'Int64')})`)
        .and(`ts >= fromUnixTimestamp64Nano(${r.bind(row.process_start_ns, 'Int64')}) - INTERVAL 1 SECOND`)
        .and(`id != ${r.bind(id, 'String')}`);
      related = (await selectRows<Record<string, unknown>>(this.ch, `SELECT ${SELECT} FROM ${this.table} WHERE ${r.sql} ORDER BY ts, id LIMIT 200`, r.params, this.limits)).map(eventJson);
    }
    return { event, ancestry, related };
  }
}
