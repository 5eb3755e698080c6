import { ALERTS_PER_MINUTE, EVENTS_PER_MINUTE, qualified, selectRows, nsToIso, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { scopeCondition, type Principal } from '../auth/principal.js';
import type { INSIGHT_DIMENSIONS } from '../schemas/insights.js';
import { timeRange } from './time.js';
import { Where } from './where.js';

/** Request value → grouping expression and the condition a row needs to have that dimension (the allow-list). */
const TOP: Record<(typeof INSIGHT_DIMENSIONS)[number], { key: string; having: string }> = {
  pod: { key: "concat(namespace, '/', pod)", having: "pod != ''" },
  process: { key: 'comm', having: "comm != ''" },
  destination: { key: "if(position(net_dst_addr, ':') > 0, concat('[', net_dst_addr, ']:', toString(net_dst_port)), concat(net_dst_addr, ':', toString(net_dst_port)))", having: "net_dst_addr != '' AND net_direction != 'inbound'" },
};

const AGENT_FIELDS = ['kernel_drops', 'decode_errors', 'spool_drops', 'loader_restarts'] as const;

export interface AgentCountersJson {
  reports: number; events: number; kernelDrops: number; decodeErrors: number; spoolDrops: number; loaderRestarts: number; spoolRecords: number; lastReport: string | null;
}

/** Dashboard figures read from the raw events table: top pods, processes and destinations, and the agents' own counters. */
export class InsightQueries {
  private readonly events: string;
  constructor(private readonly ch: ClickHouseLike, private readonly database: string, private readonly limits: QueryLimits) {
    this.events = qualified({ database }, 'events');
  }

  private ranged(p: Principal, q: { from?: string; to?: string }, defaultMs: number): { w: Where; from: bigint; to: bigint } {
    const range = timeRange(q, defaultMs, 400 * 86_400_000);
    const w = new Where();
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params);
    w.and(`ts >= fromUnixTimestamp64Nano(${w.bind(range.from.toString(), 'Int64')}) AND ts < fromUnixTimestamp64Nano(${w.bind(range.to.toString(), 'Int64')})`);
    return { w, ...range };
  }

  async top(p: Principal, q: { from?: string; to?: string; by: (typeof INSIGHT_DIMENSIONS)[number]; limit?: number }) {
    const { w } = this.ranged(p, q, 24 * 3_600_000);
    const d = TOP[q.by];
    w.and(d.having);
    const rows = await selectRows<{ key: string; n: string }>(this.ch,
      `SELECT ${d.key} AS key, count() AS n FROM ${this.events} WHERE ${w.sql} GROUP BY key ORDER BY n DESC, key LIMIT ${w.bind(q.limit ?? 10, 'UInt32')}`, w.params, this.limits);
    return { items: rows.map((r) => ({ key: r.key, count: Number(r.n) })) };
  }

  /** Totals of agent_stats events (host events: callers with all namespaces only), overall and per node. */
  async agents(p: Principal, q: { from?: string; to?: string }): Promise<{ total: AgentCountersJson; nodes: Array<AgentCountersJson & { node: string }> }> {
    const { w } = this.ranged(p, q, 3_600_000);
    w.and("kind = 'agent_stats'");
    const stat = (f: string) => `sum(JSONExtractInt(details, 'stats', '${f}'))`;
    const rows = await selectRows<Record<string, string>>(this.ch,
      `SELECT node, count() AS reports, sum(arraySum(mapValues(JSONExtract(details, 'stats', 'events_by_kind', 'Map(String, Int64)')))) AS events,
        ${AGENT_FIELDS.map((f) => `${stat(f)} AS ${f}`).join(', ')},
        argMax(JSONExtractInt(details, 'stats', 'spool_records'), ts) AS spool_records, toString(toUnixTimestamp64Nano(max(ts))) AS last
       FROM ${this.events} WHERE ${w.sql} GROUP BY node ORDER BY node LIMIT 10000`, w.params, this.limits);
    const nodes = rows.map((r) => ({
      node: r.node!, reports: Number(r.reports), events: Number(r.events), kernelDrops: Number(r.kernel_drops), decodeErrors: Number(r.decode_errors),
      spoolDrops: Number(r.spool_drops), loaderRestarts: Number(r.loader_restarts), spoolRecords: Number(r.spool_records), lastReport: nsToIso(r.last!),
    }));
    const total: AgentCountersJson = { reports: 0, events: 0, kernelDrops: 0, decodeErrors: 0, spoolDrops: 0, loaderRestarts: 0, spoolRecords: 0, lastReport: null };
    for (const n of nodes) {
      for (const k of ['reports', 'events', 'kernelDrops', 'decodeErrors', 'spoolDrops', 'loaderRestarts', 'spoolRecords'] as const) total[k] += n[k];
      if (!total.lastReport || (n.lastReport && n.lastReport > total.lastReport)) total.lastReport = n.lastReport;
    }
    return { total, nodes };
  }

  /** Events and alerts stored in the range (the per-minute roll-ups), within the caller's scope. */
  async stored(p: Principal, q: { from?: string; to?: string }): Promise<{ events: number; alerts: number }> {
    const range = timeRange(q, 3_600_000, 400 * 86_400_000);
    const count = async (table: string, measure: string) => {
      const w = new Where();
      const scope = scopeCondition(p);
      w.and(scope.sql, scope.params);
      w.and(`minute >= toStartOfMinute(fromUnixTimestamp64Nano(${w.bind(range.from.toString(), 'Int64')}))`);
      w.and(`minute < fromUnixTimestamp64Nano(${w.bind(range.to.toString(), 'Int64')})`);
      const [r] = await selectRows<{ n: string }>(this.ch, `SELECT sum(${measure}) AS n FROM ${qualified({ database: this.database }, table)} WHERE ${w.sql}`, w.params, this.limits);
      return Number(r?.n ?? 0);
    };
    const [events, alerts] = await Promise.all([count(EVENTS_PER_MINUTE.name, 'events'), count(ALERTS_PER_MINUTE.name, 'alerts')]);
    return { events, alerts };
  }
}
