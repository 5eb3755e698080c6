import type { Kafka } from 'kafkajs';
import { NOTIFICATION_DELIVERIES, NOTIFICATION_ROUTE_HISTORY, insertRows, msToClickHouse, nsToIso, qualified, selectRows, type ClickHouseLike, type QueryLimits } from '@tracehound/clickhouse';
import { RulesSource } from '@tracehound/detector';
import { TracehoundError } from '@tracehound/errors';
import { BatchingProducer, provisionTopics, topicName } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { RouteStore, checkRoute, keepSecrets, redactRoute, type RouteDocJson } from '@tracehound/notifier';
import type { Principal } from '../auth/principal.js';

export interface DeliveryQuery {
  route?: string;
  alert?: string;
  outcome?: string;
  limit: number;
}

/**
 * Notification routes, managed like rules: each change is checked with the notifier's own
 * validation, written to the compacted `notify.routes` topic (what notifiers run) and recorded
 * in notification_route_history with secrets masked. Status and deliveries come from the
 * delivery log the sink stores (notification_deliveries).
 */
export class NotificationService {
  private readonly store = new RouteStore();
  private readonly mirror: RulesSource;
  private readonly producer: BatchingProducer;
  private readonly topic: string;
  private readonly history: string;
  private readonly deliveries: string;

  constructor(private readonly kafka: Kafka, private readonly prefix: string, private readonly ch: ClickHouseLike, private readonly database: string, private readonly limits: QueryLimits, logger: Logger) {
    this.topic = topicName(prefix, 'notifyRoutes');
    this.producer = new BatchingProducer(kafka, { lingerMs: 0 });
    this.mirror = new RulesSource(kafka, { topic: this.topic, groupPrefix: 'tracehound-api-routes', logger, onRecord: (k, v, at) => void this.store.apply(k, v, at) });
    this.history = qualified({ database }, NOTIFICATION_ROUTE_HISTORY.name);
    this.deliveries = qualified({ database }, NOTIFICATION_DELIVERIES.name);
  }

  /** Creates the routes topic if missing (one partition, like the rules topic), then reads it. */
  async start(replication = 1): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await provisionTopics(admin, { prefix: this.prefix, partitions: 1, replication, ids: ['notifyRoutes'] });
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await this.mirror.start();
  }

  async close(): Promise<void> {
    await this.mirror.stop();
    await this.producer.disconnect();
  }

  list(): RouteDocJson[] {
    return [...this.store.docs.values()].map(redactRoute).sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): RouteDocJson {
    const doc = this.store.docs.get(id);
    if (!doc) throw new TracehoundError('TH_ERR_NOT_FOUND', `no notification route ${id}`);
    return redactRoute(doc);
  }

  async create(p: Principal, doc: RouteDocJson): Promise<RouteDocJson> {
    if (this.store.docs.has(doc.id)) throw new TracehoundError('TH_ERR_CONFLICT', `notification route ${doc.id} exists; PUT /api/v1/notifications/routes/${doc.id} changes it`);
    return this.write(p, 'create', doc.id, doc);
  }

  async update(p: Principal, id: string, doc: RouteDocJson): Promise<RouteDocJson> {
    if (doc.id !== id) throw new TracehoundError('TH_ERR_INVALID_INPUT', `body id "${doc.id}" differs from the path id "${id}"`, { details: { field: 'id' } });
    const prev = this.store.docs.get(id);
    if (!prev) throw new TracehoundError('TH_ERR_NOT_FOUND', `no notification route ${id}`);
    return this.write(p, 'update', id, keepSecrets(doc, prev));
  }

  async remove(p: Principal, id: string): Promise<void> {
    if (!this.store.docs.has(id)) throw new TracehoundError('TH_ERR_NOT_FOUND', `no notification route ${id}`);
    await this.write(p, 'delete', id, null);
  }

  async historyOf(id: string) {
    const rows = await selectRows<{ version: number; t: string; actor: string; action: string; deleted: boolean; route: string }>(this.ch,
      `SELECT version, toString(ts) AS t, actor, action, deleted, route FROM ${this.history} WHERE route_id = {id:String} ORDER BY version, ts LIMIT 10000`, { id }, this.limits);
    return rows.map((r) => ({ version: Number(r.version), time: new Date(`${r.t.replace(' ', 'T')}Z`).toISOString(), actor: r.actor, action: r.action, deleted: Boolean(r.deleted), route: r.route ? JSON.parse(r.route) as RouteDocJson : null }));
  }

  private async write(p: Principal, action: string, id: string, doc: RouteDocJson): Promise<RouteDocJson>;
  private async write(p: Principal, action: string, id: string, doc: null): Promise<null>;
  private async write(p: Principal, action: string, id: string, doc: RouteDocJson | null): Promise<RouteDocJson | null> {
    const [h] = await selectRows<{ v: number }>(this.ch, `SELECT max(version) AS v FROM ${this.history} WHERE route_id = {id:String}`, { id }, this.limits);
    const version = Math.max(Number(h?.v ?? 0), this.store.docs.get(id)?.version ?? 0) + 1;
    const next = doc ? { ...doc, version } : null;
    if (next) {
      const r = checkRoute(next);
      if (!r.ok) {
        throw new TracehoundError('TH_ERR_INVALID_INPUT', `the route is invalid: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
          details: { field: r.issues[0]!.path.replace(/^\//, '').replace(/\//g, '.'), issues: r.issues.map((i) => ({ pointer: i.path, message: i.message })) },
        });
      }
    }
    const value = next ? JSON.stringify(next) : null;
    await this.producer.send(this.topic, [{ key: id, value }]);
    this.store.apply(id, value, 'api');
    const shown = next ? redactRoute(next) : null;
    await insertRows(this.ch, this.database, NOTIFICATION_ROUTE_HISTORY, [{ route_id: id, version, ts: msToClickHouse(Date.now()), actor: p.username, action, deleted: next === null, route: shown ? JSON.stringify(shown) : '' }]);
    return shown;
  }

  /**
   * Each route's health from its latest delivery records: `failing` while its newest result is a
   * failed attempt, with the backlog the notifier reported then, and counts of the last 24 hours.
   */
  async status() {
    const rows = await selectRows<{ route_id: string; last_outcome: string; last_error: string; last_status: number; backlog: number; last_at: string; last_success: string; delivered: string; failed: string; dropped: string; retrying: string }>(this.ch,
      `SELECT route_id, argMax(outcome, ts) AS last_outcome, argMax(error, ts) AS last_error, argMax(status_code, ts) AS last_status, argMax(backlog, ts) AS backlog,
              toString(toUnixTimestamp64Nano(max(ts))) AS last_at, toString(toUnixTimestamp64Nano(maxIf(ts, outcome = 'delivered'))) AS last_success,
              toString(countIf(outcome = 'delivered')) AS delivered, toString(countIf(outcome = 'failed')) AS failed, toString(countIf(outcome = 'dropped')) AS dropped, toString(countIf(outcome = 'retrying')) AS retrying
       FROM ${this.deliveries} WHERE ts > now64(9) - INTERVAL 1 DAY GROUP BY route_id`, {}, this.limits);
    const byRoute = new Map(rows.map((r) => [r.route_id, r]));
    return [...this.store.docs.values()].sort((a, b) => a.id.localeCompare(b.id)).map((doc) => {
      const r = byRoute.get(doc.id);
      const state = doc.enabled === false ? 'disabled' : !r ? 'idle' : ['retrying', 'failed'].includes(r.last_outcome) ? 'failing' : 'ok';
      return {
        route_id: doc.id, name: doc.name, kind: doc.output.kind, enabled: doc.enabled !== false, state,
        last_outcome: r?.last_outcome ?? null, last_error: r?.last_error || null, last_status_code: r?.last_status ? Number(r.last_status) : null,
        last_at: r ? nsToIso(BigInt(r.last_at)) : null, last_success_at: r && r.last_success !== '0' ? nsToIso(BigInt(r.last_success)) : null,
        backlog: Number(r?.backlog ?? 0), delivered_24h: Number(r?.delivered ?? 0), failed_24h: Number(r?.failed ?? 0), dropped_24h: Number(r?.dropped ?? 0), retried_24h: Number(r?.retrying ?? 0),
      };
    });
  }

  async deliveriesOf(q: DeliveryQuery) {
    const where = ['1'];
    if (q.route) where.push('route_id = {route:String}');
    if (q.alert) where.push('has(alert_ids, {alert:String})');
    if (q.outcome) where.push('outcome = {outcome:String}');
    const rows = await selectRows<{ ts_ns: string; id: string; route_id: string; route_kind: string; rule_id: string; severity: string; alert_ids: string[]; outcome: string; attempt: number; status_code: number; error: string; duration_ms: number; backlog: number }>(this.ch,
      `SELECT toString(toUnixTimestamp64Nano(ts)) AS ts_ns, id, route_id, route_kind, rule_id, severity, alert_ids, outcome, attempt, status_code, error, duration_ms, backlog
       FROM ${this.deliveries} WHERE ${where.join(' AND ')} ORDER BY ts DESC LIMIT {limit:UInt32}`, { route: q.route, alert: q.alert, outcome: q.outcome, limit: q.limit }, this.limits);
    return rows.map((r) => ({
      time: nsToIso(BigInt(r.ts_ns)), id: r.id, route_id: r.route_id, route_kind: r.route_kind, rule_id: r.rule_id, severity: r.severity, alert_ids: r.alert_ids,
      outcome: r.outcome, attempt: Number(r.attempt), status_code: Number(r.status_code) || null, error: r.error || null, duration_ms: Number(r.duration_ms), backlog: Number(r.backlog),
    }));
  }
}
