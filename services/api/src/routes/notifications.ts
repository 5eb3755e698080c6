import { Type } from '@sinclair/typebox';
import type { Kafka } from 'kafkajs';
import type { ClickHouseLike, QueryLimits } from '@tracehound/clickhouse';
import type { Logger } from '@tracehound/logging';
import { OUTPUTS, RouteDoc, type RouteDocJson } from '@tracehound/notifier';
import { TracehoundError } from '@tracehound/errors';
import { requirePermission } from '../auth/principal.js';
import { NotificationService } from '../notifications/route-service.js';
import { ERRORS, Ok } from '../schemas/common.js';
import { RuleInvalid } from '../schemas/rules.js';
import type { Api } from './types.js';

const IdParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' }) }, { additionalProperties: false });
const ROUTE_ERRORS = { ...ERRORS, 400: RuleInvalid, 409: ERRORS[400], 503: ERRORS[500] };
const RouteOut = Type.Unsafe<RouteDocJson>({ type: 'object', additionalProperties: true, description: 'a notification route; secret settings read ********' });
const Status = Type.Object({
  route_id: Type.String(), name: Type.String(), kind: Type.String(), enabled: Type.Boolean(),
  state: Type.String({ description: 'ok, failing (newest result a failed attempt), idle (nothing sent in 24 h) or disabled' }),
  last_outcome: Type.Union([Type.String(), Type.Null()]), last_error: Type.Union([Type.String(), Type.Null()]), last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_at: Type.Union([Type.String(), Type.Null()]), last_success_at: Type.Union([Type.String(), Type.Null()]),
  backlog: Type.Integer({ description: 'alerts waiting, as the notifier last reported' }),
  delivered_24h: Type.Integer(), failed_24h: Type.Integer(), dropped_24h: Type.Integer(), retried_24h: Type.Integer(),
});
const Delivery = Type.Object({
  time: Type.String(), id: Type.String(), route_id: Type.String(), route_kind: Type.String(), rule_id: Type.String(), severity: Type.String(), alert_ids: Type.Array(Type.String()),
  outcome: Type.String({ description: 'delivered, retrying (an attempt failed), failed or dropped' }), attempt: Type.Integer(), status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]), duration_ms: Type.Integer(), backlog: Type.Integer(),
});
const DeliveryQuery = Type.Object({
  route: Type.Optional(Type.String({ maxLength: 128 })),
  alert: Type.Optional(Type.String({ maxLength: 256, description: 'deliveries that carried this alert id' })),
  outcome: Type.Optional(Type.Union(['delivered', 'retrying', 'failed', 'dropped'].map((o) => Type.Literal(o)))),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
}, { additionalProperties: false });

export interface NotificationRoutesOptions {
  kafka?: { kafka: Kafka; topicPrefix: string; provision?: { replication: number } };
  clickhouse: ClickHouseLike;
  database: string;
  limits: QueryLimits;
  logger: Logger;
}

/**
 * /api/v1/notifications: routes (admins write, everyone reads, secrets masked), their history,
 * their health (what the UI badges) and the delivery log. Without Kafka the routes answer 503.
 */
export async function registerNotifications(app: Api, o: NotificationRoutesOptions): Promise<{ close(): Promise<void> }> {
  const service = o.kafka ? new NotificationService(o.kafka.kafka, o.kafka.topicPrefix, o.clickhouse, o.database, o.limits, o.logger) : undefined;
  await service?.start(o.kafka?.provision?.replication);
  const svc = (): NotificationService => {
    if (!service) throw new TracehoundError('TH_ERR_UNREACHABLE', 'notification routes are not available on this server');
    return service;
  };
  const tags = ['notifications'];
  const base = '/api/v1/notifications';

  app.get(`${base}/outputs`, { schema: { tags, summary: 'the output kinds a route may use, with their settings schemas', response: { 200: Type.Object({ items: Type.Array(Type.Object({ kind: Type.String(), description: Type.String(), secrets: Type.Array(Type.String()), settings: Type.Unknown() })) }), ...ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: OUTPUTS.map((k) => ({ kind: k.kind, description: k.description, secrets: [...k.secrets], settings: k.settings })) };
  });
  app.get(`${base}/routes`, { schema: { tags, summary: 'notification routes in force', response: { 200: Type.Object({ items: Type.Array(RouteOut) }), ...ROUTE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: svc().list() };
  });
  app.get(`${base}/routes/:id`, { schema: { tags, summary: 'one route', params: IdParams, response: { 200: RouteOut, ...ROUTE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return svc().get(req.params.id);
  });
  app.get(`${base}/routes/:id/history`, { schema: { tags, summary: 'every change of a route made through the API', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...ROUTE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: await svc().historyOf(req.params.id) };
  });
  app.post(`${base}/routes`, { schema: { tags, summary: 'create a route (admin)', body: RouteDoc, response: { 201: RouteOut, ...ROUTE_ERRORS } } }, async (req, reply) => {
    const p = requirePermission(req.principal, 'users:admin');
    return reply.code(201).send(await svc().create(p, req.body as RouteDocJson));
  });
  app.put(`${base}/routes/:id`, { schema: { tags, summary: 'replace a route (admin); settings sent as ******** keep their stored secret', params: IdParams, body: RouteDoc, response: { 200: RouteOut, ...ROUTE_ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'users:admin');
    return svc().update(p, req.params.id, req.body as RouteDocJson);
  });
  app.delete(`${base}/routes/:id`, { schema: { tags, summary: 'delete a route (admin)', params: IdParams, response: { 200: Ok, ...ROUTE_ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'users:admin');
    await svc().remove(p, req.params.id);
    return { ok: true };
  });
  app.get(`${base}/status`, { schema: { tags, summary: 'health of every route: failing, backlog, last error, 24 h counts', response: { 200: Type.Object({ items: Type.Array(Status) }), ...ROUTE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: await svc().status() };
  });
  app.get(`${base}/deliveries`, { schema: { tags, summary: 'the delivery log, newest first', querystring: DeliveryQuery, response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: await svc().deliveriesOf(req.query as { route?: string; alert?: string; outcome?: string; limit: number }) };
  });
  return { close: async () => { await service?.close(); } };
}
