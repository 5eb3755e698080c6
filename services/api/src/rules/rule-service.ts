import { EVENT_SELECT, RULE_HISTORY, insertRows, msToClickHouse, nsToIso, qualified, rowToEvent, selectRows, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { TracehoundError } from '@tracehound/errors';
import { scopeCondition, type Principal } from '../auth/principal.js';
import { timeRange } from '../queries/time.js';
import { Where } from '../queries/where.js';
import type { RuleEngine, RuleIssue } from './engine.js';

/** Where rule changes go: the compacted rules topic the detectors read (key = rule id, tombstone deletes). */
export interface RulesTopic {
  publish(key: string, value: string | null): Promise<void>;
}

export type RuleJson = Record<string, unknown> & { id: string };

const pointer = (p: Array<string | number>) => (p.length ? `/${p.map((x) => String(x).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : '');

export function invalid(issues: RuleIssue[]): TracehoundError {
  return new TracehoundError('TH_ERR_RULE_INVALID', `the rule is invalid: ${issues.map((i) => `${pointer(i.pointer) || '/'}: ${i.message}`).join('; ')}`, {
    details: { issues: issues.map((i) => ({ pointer: pointer(i.pointer), message: i.message })) },
  });
}

export interface BacktestLimits {
  maxEvents: number;
  timeoutMs: number;
  pageRows?: number;
}

/**
 * Rule management: every change is validated by the detector's engine, written to the rules
 * topic (which is what detectors run) and recorded in rule_history (who, when, which version).
 */
export class RuleService {
  private readonly history: string;
  private readonly events: string;

  constructor(
    private readonly engine: RuleEngine,
    private readonly topic: RulesTopic,
    private readonly ch: ClickHouseLike,
    private readonly database: string,
    private readonly limits: QueryLimits,
    private readonly backtestLimits: BacktestLimits,
  ) {
    this.history = qualified({ database }, RULE_HISTORY.name);
    this.events = qualified({ database }, 'events');
  }

  list(): RuleJson[] {
    return [...this.engine.rules().values()].map((r) => r as RuleJson).sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): RuleJson {
    const r = this.engine.rules().get(id);
    if (!r) throw new TracehoundError('TH_ERR_NOT_FOUND', `no rule ${id}`);
    return r as RuleJson;
  }

  async historyOf(id: string) {
    const rows = await selectRows<{ version: number; t: string; actor: string; action: string; enabled: boolean; deleted: boolean; rule: string }>(this.ch,
      `SELECT version, toString(ts) AS t, actor, action, enabled, deleted, rule FROM ${this.history} WHERE rule_id = {id:String} ORDER BY version, ts LIMIT 10000`, { id }, this.limits);
    return rows.map((r) => ({ version: Number(r.version), time: new Date(`${r.t.replace(' ', 'T')}Z`).toISOString(), actor: r.actor, action: r.action, enabled: Boolean(r.enabled), deleted: Boolean(r.deleted), rule: r.rule ? JSON.parse(r.rule) : null }));
  }

  private async lastVersion(id: string): Promise<number> {
    const [r] = await selectRows<{ v: number }>(this.ch, `SELECT max(version) AS v FROM ${this.history} WHERE rule_id = {id:String}`, { id }, this.limits);
    const fromTopic = Number((this.engine.rules().get(id) as { version?: number } | undefined)?.version ?? 0);
    return Math.max(Number(r?.v ?? 0), fromTopic);
  }

  private async write(p: Principal, action: string, id: string, doc: RuleJson | null): Promise<RuleJson | null> {
    const version = (await this.lastVersion(id)) + 1;
    const next = doc ? { ...doc, version } : null;
    if (next) {
      const issues = this.engine.validate(next);
      if (issues.length) throw invalid(issues);
    }
    const value = next ? JSON.stringify(next) : null;
    await this.topic.publish(id, value);
    this.engine.applyRecord(id, value);
    await insertRows(this.ch, this.database, RULE_HISTORY, [{
      rule_id: id, version, ts: msToClickHouse(Date.now()), actor: p.username, action, enabled: next ? (next as RuleJson).enabled !== false : false, deleted: next === null, rule: value ?? '',
    }]);
    return next;
  }

  async create(p: Principal, doc: RuleJson): Promise<RuleJson> {
    if (this.engine.rules().has(doc.id)) throw new TracehoundError('TH_ERR_CONFLICT', `rule ${doc.id} exists; update it with PUT`);
    return (await this.write(p, 'create', doc.id, doc))!;
  }

  async update(p: Principal, id: string, doc: RuleJson): Promise<RuleJson> {
    if (doc.id !== id) throw new TracehoundError('TH_ERR_INVALID_INPUT', `id: the body's id "${doc.id}" differs from the path's "${id}"`, { details: { field: 'id' } });
    this.get(id);
    return (await this.write(p, 'update', id, doc))!;
  }

  async setEnabled(p: Principal, id: string, enabled: boolean): Promise<RuleJson> {
    const current = this.get(id);
    return (await this.write(p, enabled ? 'enable' : 'disable', id, { ...current, enabled }))!;
  }

  async remove(p: Principal, id: string): Promise<void> {
    this.get(id);
    await this.write(p, 'delete', id, null);
  }

  /**
   * Runs a rule over stored events of a time range, within the caller's namespaces, and counts
   * the alerts it raises, replayed in time order as the detector evaluates it (throttles and
   * threshold/sequence windows included; a match is the event that raised an alert).
   * Bounded by events evaluated and by time; `truncated` says when a bound stopped it.
   */
  async backtest(p: Principal, o: { rule?: RuleJson; ruleId?: string; from: string; to?: string; limit?: number }) {
    const started = Date.now();
    if (!o.rule === !o.ruleId) throw new TracehoundError('TH_ERR_INVALID_INPUT', 'rule: give either rule or ruleId', { details: { field: 'rule' } });
    const doc = o.rule ?? this.get(o.ruleId!);
    const issues = this.engine.validate({ ...doc, enabled: true });
    if (issues.length) throw invalid(issues);
    const compiled = this.engine.compile({ ...doc, enabled: true });
    const range = timeRange(o, 0, 366 * 86_400_000);
    const keep = o.limit ?? 100;
    const { maxEvents, timeoutMs } = this.backtestLimits;
    const pageRows = this.backtestLimits.pageRows ?? 10_000;
    const matches: Array<{ id: string; ts: string; time: string; namespace: string; pod: string; kind: string; comm: string }> = [];
    const byNamespace: Record<string, number> = {};
    let evaluated = 0;
    let matched = 0;
    let reason: string | undefined;
    const base = (): Where => {
      const w = new Where();
      const scope = scopeCondition(p);
      w.and(scope.sql, scope.params);
      if (compiled.kinds) w.anyOf('kind', [...compiled.kinds], 'String');
      return w;
    };
    const between = (w: Where, from: bigint, to: bigint) =>
      w.and(`ts >= fromUnixTimestamp64Nano(${w.bind(from.toString(), 'Int64')}) AND ts < fromUnixTimestamp64Nano(${w.bind(to.toString(), 'Int64')})`);
    // Time windows of about one page each: a page query then reads its window, not the rest of the range.
    const cw = between(base(), range.from, range.to);
    const [{ n } = { n: '0' }] = await selectRows<{ n: string }>(this.ch, `SELECT count() AS n FROM ${this.events} WHERE ${cw.sql}`, cw.params, this.limits);
    const windows = BigInt(Math.max(1, Math.min(100_000, Math.ceil(Number(n) / pageRows))));
    const step = (range.to - range.from + windows - 1n) / windows;
    scan: for (let wFrom = range.from; wFrom < range.to; wFrom += step) {
      const wTo = wFrom + step < range.to ? wFrom + step : range.to;
      let after: { ts: string; id: string } | undefined;
      for (;;) {
        const left = timeoutMs - (Date.now() - started);
        if (left <= 0) reason = `time bound of ${timeoutMs} ms reached`;
        else if (evaluated >= maxEvents) reason = `event bound of ${maxEvents} reached`;
        if (reason) break scan;
        const w = between(base(), wFrom, wTo);
        if (after) w.and(`(ts, id) > (fromUnixTimestamp64Nano(${w.bind(after.ts, 'Int64')}), ${w.bind(after.id, 'String')})`);
        const limit = Math.min(pageRows, maxEvents - evaluated);
        const rows = await selectRows<Record<string, unknown>>(this.ch, `SELECT ${EVENT_SELECT} FROM ${this.events} WHERE ${w.sql} ORDER BY ts, id LIMIT ${w.bind(limit, 'UInt32')}`, w.params,
          { ...this.limits, maxExecutionSeconds: Math.max(1, Math.ceil(left / 1000)) });
        for (const row of rows) {
          const e = rowToEvent(row);
          evaluated++;
          if (!compiled.matches(e)) continue;
          matched++;
          const ns = String(row.namespace);
          byNamespace[ns] = (byNamespace[ns] ?? 0) + 1;
          if (matches.length < keep) {
            matches.push({ id: e.id, ts: e.ts.toString(), time: nsToIso(e.ts), namespace: ns, pod: String(row.pod), kind: e.kind, comm: String(row.comm) });
          }
        }
        if (rows.length < limit) break;
        const last = rows[rows.length - 1]!;
        after = { ts: String(last.ts_ns), id: String(last.id) };
      }
    }
    return { evaluated, matched, byNamespace, truncated: reason !== undefined, ...(reason ? { reason } : {}), tookMs: Date.now() - started, matches };
  }
}
