import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { QueryLimits } from '@tracehound/clickhouse';
import type { AuthService } from '../auth/auth-service.js';
import type { AlertQueries } from '../queries/alerts.js';
import type { EventQueries } from '../queries/events.js';
import type { StatsQueries } from '../queries/stats.js';
import type { RuleService } from '../rules/rule-service.js';
import type { LiveAlerts } from '../stream/live-alerts.js';

export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What route modules get: the handlers, none of the transport. */
export interface Services {
  auth: AuthService;
  events: EventQueries;
  alerts: AlertQueries;
  stats: StatsQueries;
  rules: RuleService | undefined;
  live: LiveAlerts;
  limits: QueryLimits;
  /** Audits a request whose response Fastify does not see end (a hijacked live stream). */
  audit(req: FastifyRequest, status: number): void;
}

export type RouteModule = (app: Api, s: Services) => void;
