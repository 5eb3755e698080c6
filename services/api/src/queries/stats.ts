import { ALERTS_PER_MINUTE, EVENTS_PER_MINUTE, qualified, selectRows, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { TracehoundError } from '@tracehound/errors';
import { scopeCondition, type Principal } from '../auth/principal.js';
import { INTERVALS } from '../schemas/stats.js';
import { timeRange } from './time.js';
import { Where } from './where.js';

/** A roll-up table and the dimensions one may group it by: request value → column (the allow-list). */
interface Rollup {
  table: string;
  measure: string;
  dimensions: Record<string, string>;
}

export const ROLLUPS = {
  events: { table: EVENTS_PER_MINUTE.name, measure: 'events', dimensions: { namespace: 'namespace', kind: 'kind', node: 'node' } },
  alerts: { table: ALERTS_PER_MINUTE.name, measure: 'alerts', dimensions: { namespace: 'namespace', severity: 'severity', rule: 'rule_id' } },
} as const satisfies Record<string, Rollup>;

const MAX_POINTS = 5_000;

/** Dashboard figures from the per-minute roll-ups, always within the caller's namespaces. */
export class StatsQueries {
  constructor(private readonly ch: ClickHouseLike, private readonly database: string, private readonly limits: QueryLimits) {}

  private base(p: Principal, q: { from?: string; to?: string }): Where {
    const w = new Where();
    const range = timeRange(q, 24 * 3_600_000, 400 * 86_400_000);
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params);
    // Roll-ups are per minute: a range is widened to whole minutes.
    w.and(`minute >= toStartOfMinute(fromUnixTimestamp64Nano(${w.bind(range.from.toString(), 'Int64')}))`);
    w.and(`minute < fromUnixTimestamp64Nano(${w.bind(range.to.toString(), 'Int64')})`);
    return w;
  }

  private column(r: Rollup, by: string | undefined): string | undefined {
    if (by === undefined || by === 'none') return undefined;
    const c = r.dimensions[by];
    if (!c) throw new TracehoundError('TH_ERR_INVALID_INPUT', `by: one of ${Object.keys(r.dimensions).join(', ')}`, { details: { field: 'by' } });
    return c;
  }

  async series(p: Principal, which: keyof typeof ROLLUPS, q: { from?: string; to?: string; interval?: string; by?: string }) {
    const r: Rollup = ROLLUPS[which];
    const w = this.base(p, q);
    const interval = (q.interval ?? '5m') as keyof typeof INTERVALS;
    const step = INTERVALS[interval];
    const key = this.column(r, q.by);
    const range = timeRange(q, 24 * 3_600_000);
    if (Number((range.to - range.from) / 1_000_000_000n) / step > MAX_POINTS) {
      throw new TracehoundError('TH_ERR_INVALID_INPUT', `interval: more than ${MAX_POINTS} points for this range; choose a longer interval`, { details: { field: 'interval' } });
    }
    const sql = `SELECT toString(toStartOfInterval(minute, toIntervalSecond(${w.bind(step, 'UInt32')}))) AS t, ${key ?? "''"} AS key, sum(${r.measure}) AS n
      FROM ${qualified({ database: this.database }, r.table)} WHERE ${w.sql} GROUP BY t, key ORDER BY t, key LIMIT 100000`;
    const rows = await selectRows<{ t: string; key: string; n: string }>(this.ch, sql, w.params, this.limits);
    return { interval, points: rows.map((x) => ({ time: new Date(`${x.t.replace(' ', 'T')}Z`).toISOString(), key: x.key, count: Number(x.n) })) };
  }

  async top(p: Principal, which: keyof typeof ROLLUPS, q: { from?: string; to?: string; by: string; limit?: number }) {
    const r: Rollup = ROLLUPS[which];
    const w = this.base(p, q);
    const key = this.column(r, q.by)!;
    const sql = `SELECT ${key} AS key, sum(${r.measure}) AS n FROM ${qualified({ database: this.database }, r.table)} WHERE ${w.sql}
      GROUP BY key ORDER BY n DESC, key LIMIT ${w.bind(q.limit ?? 10, 'UInt32')}`;
    const rows = await selectRows<{ key: string; n: string }>(this.ch, sql, w.params, this.limits);
    return { items: rows.map((x) => ({ key: x.key, count: Number(x.n) })) };
  }
}
