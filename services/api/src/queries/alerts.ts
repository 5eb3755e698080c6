import type { Static } from '@sinclair/typebox';
import { ALERT_STATE, insertRows, msToClickHouse, nsToIso, qualified, selectRows, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { TracehoundError } from '@tracehound/errors';
import { scopeCondition, type Principal } from '../auth/principal.js';
import type { AlertHistoryEntry, AlertQuery, AlertView, ALERT_STATES } from '../schemas/alerts.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { timeRange } from './time.js';
import { Where } from './where.js';

type Query = Static<typeof AlertQuery>;
export type AlertJson = Static<typeof AlertView>;
type HistoryJson = Static<typeof AlertHistoryEntry>;
type State = (typeof ALERT_STATES)[number];
export type AlertAction = 'ack' | 'resolve' | 'reopen' | 'assign' | 'comment';

/** The state an action leads to; assign and comment keep the current one. */
const NEXT_STATE: Record<AlertAction, State | undefined> = { ack: 'acknowledged', resolve: 'resolved', reopen: 'open', assign: undefined, comment: undefined };

const COLUMNS = 'id, toString(toUnixTimestamp64Nano(ts)) AS ts_ns, rule_id, rule_name, rule_version, severity, tags, mitre, message, stateful, event_id, ' +
  'toString(toUnixTimestamp64Nano(event_ts)) AS event_ts_ns, event_kind, namespace, pod, container, workload, node, comm';

function alertJson(r: Record<string, unknown>): AlertJson {
  const { ts_ns, event_ts_ns, stateful, state, assignee, ...rest } = r;
  return {
    ...rest, ts: String(ts_ns), time: nsToIso(String(ts_ns)), event_ts: String(event_ts_ns), stateful: stateful ? JSON.parse(String(stateful)) : null,
    state: state || 'open', assignee: assignee ?? '', rule_version: Number(rest.rule_version),
  } as AlertJson;
}

export class AlertQueries {
  private readonly alerts: string;
  private readonly state: string;
  constructor(private readonly ch: ClickHouseLike, private readonly database: string, private readonly limits: QueryLimits) {
    this.alerts = qualified({ database }, 'alerts');
    this.state = qualified({ database }, ALERT_STATE.name);
  }

  private currentState(scopeSql: string): string {
    return `SELECT alert_id, argMax(state, ts) AS state, argMax(assignee, ts) AS assignee FROM ${this.state} WHERE ${scopeSql} GROUP BY alert_id`;
  }

  async list(p: Principal, q: Query): Promise<{ items: AlertJson[]; nextCursor: string | null }> {
    const w = new Where();
    const range = timeRange(q, 7 * 86_400_000);
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params);
    w.and(`ts >= fromUnixTimestamp64Nano(${w.bind(range.from.toString(), 'Int64')}) AND ts < fromUnixTimestamp64Nano(${w.bind(range.to.toString(), 'Int64')})`);
    w.anyOf('severity', q.severity, 'String').anyOf('rule_id', q.rule, 'String').anyOf('namespace', q.namespace, 'String');
    const cursor = decodeCursor(q.cursor);
    if (cursor) w.and(`(ts, id) < (fromUnixTimestamp64Nano(${w.bind(cursor.ts, 'Int64')}), ${w.bind(cursor.id, 'String')})`);
    const stateFilter = q.state?.length ? `WHERE if(s.state = '', 'open', s.state) IN ${w.bind(q.state, 'Array(String)')}` : '';
    const limit = q.limit ?? 100;
    const sql = `SELECT a.*, s.state AS state, s.assignee AS assignee
      FROM (SELECT ${COLUMNS}, ts FROM ${this.alerts} FINAL WHERE ${w.sql}) AS a
      LEFT JOIN (${this.currentState(scope.sql)}) AS s ON s.alert_id = a.id
      ${stateFilter}
      ORDER BY a.ts DESC, a.id DESC LIMIT ${w.bind(limit + 1, 'UInt32')}`;
    const rows = await selectRows<Record<string, unknown>>(this.ch, sql, w.params, this.limits);
    const items = rows.slice(0, limit).map(({ ts: _ts, ...r }) => alertJson(r));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(String(last.ts), String(last.id)) : null };
  }

  /** One alert by id within the caller's scope, with its event and workflow history; undefined when not visible. */
  async get(p: Principal, id: string): Promise<{ alert: AlertJson; event: Record<string, unknown>; history: HistoryJson[] } | undefined> {
    const w = new Where();
    const scope = scopeCondition(p);
    w.and(scope.sql, scope.params).and(`id = ${w.bind(id, 'String')}`);
    const [row] = await selectRows<Record<string, unknown>>(this.ch,
      `SELECT a.*, s.state AS state, s.assignee AS assignee FROM (SELECT ${COLUMNS}, event FROM ${this.alerts} FINAL WHERE ${w.sql} LIMIT 1) AS a
       LEFT JOIN (${this.currentState(`alert_id = ${w.bind(id, 'String')}`)}) AS s ON s.alert_id = a.id`, w.params, this.limits);
    if (!row) return undefined;
    const { event, ...rest } = row;
    const history = await selectRows<Record<string, unknown>>(this.ch,
      `SELECT toString(ts) AS t, actor, action, state, assignee, comment FROM ${this.state} WHERE alert_id = {id:String} ORDER BY ts LIMIT 10000`, { id }, this.limits);
    return {
      alert: alertJson(rest),
      event: JSON.parse(String(event)),
      history: history.map(({ t, ...h }) => ({ time: new Date(`${String(t).replace(' ', 'T')}Z`).toISOString(), ...h }) as HistoryJson),
    };
  }

  /** Records a workflow change (ack, resolve, reopen, assign, comment) after checking the alert is visible to the caller. */
  async change(p: Principal, id: string, action: AlertAction, o: { assignee?: string; comment?: string } = {}): Promise<AlertJson> {
    const found = await this.get(p, id);
    if (!found) throw new TracehoundError('TH_ERR_NOT_FOUND', `no alert ${id}`);
    const current = found.alert;
    const state = NEXT_STATE[action] ?? (current.state as State);
    const assignee = action === 'assign' ? (o.assignee ?? '') : current.assignee;
    await insertRows(this.ch, this.database, ALERT_STATE, [{
      alert_id: id, namespace: current.namespace, ts: msToClickHouse(Date.now()), actor: p.username, action, state, assignee, comment: o.comment ?? '',
    }]);
    return { ...current, state, assignee };
  }
}
