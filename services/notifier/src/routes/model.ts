import { Type, type Static } from '@sinclair/typebox';
import { SEVERITY_SYMBOLS } from '@tracehound/schemas';

const Ms = (min: number, max: number, description: string) => Type.Integer({ minimum: min, maximum: max, description: `${description} (${min}-${max} ms)` });

/**
 * A notification route as admins write it through the API and as it is stored on the compacted
 * `notify.routes` topic (key: id; a tombstone deletes). The output's settings are checked by the
 * output kind's own schema (outputs/*.ts).
 */
export const RouteDoc = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$', description: 'lower-case letters, digits, dot, dash, underscore; the Kafka key' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'set by the API; goes up by one on every change' })),
  output: Type.Object({
    kind: Type.String({ minLength: 1, maxLength: 32, description: 'slack, webhook, smtp, teams, mattermost' }),
    settings: Type.Record(Type.String(), Type.Unknown(), { description: 'the settings of that kind' }),
  }, { additionalProperties: false }),
  filter: Type.Optional(Type.Object({
    min_severity: Type.Optional(Type.Union(SEVERITY_SYMBOLS.map((s) => Type.Literal(s)), { description: 'alerts of this severity or higher' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100, description: 'alerts with any of these tags (or ATT&CK ids)' })),
    namespaces: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 1000, description: "alerts of pods in any of these namespaces; '' stands for host (no namespace)" })),
    rules: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000, description: 'alerts of any of these rule ids' })),
  }, { additionalProperties: false })),
  template: Type.Optional(Type.Object({
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
  }, { additionalProperties: false })),
  group: Type.Optional(Type.Object({
    window_ms: Ms(100, 3_600_000, 'alerts of one rule arriving within this window go out as one message'),
    max_alerts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'send early when this many alerts are gathered (default 100)' })),
  }, { additionalProperties: false })),
  rate_limit: Type.Optional(Type.Object({
    per_minute: Type.Integer({ minimum: 1, maximum: 100_000, description: 'messages per minute on average, in bursts of at most a sixth of it; more wait in the backlog' }),
  }, { additionalProperties: false })),
  retry: Type.Optional(Type.Object({
    initial_delay_ms: Type.Optional(Ms(10, 600_000, 'first wait after a failed attempt')),
    max_delay_ms: Type.Optional(Ms(10, 3_600_000, 'longest wait between attempts')),
    deadline_ms: Type.Optional(Ms(0, 7 * 86_400_000, 'give a message up this long after its first attempt')),
    failing_after: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'consecutive failed attempts before the route is reported failing (default 3)' })),
  }, { additionalProperties: false })),
  timeout_ms: Type.Optional(Ms(100, 120_000, 'one attempt may take this long')),
  max_backlog: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'alerts that may wait for this route; more are dropped and counted (default 10000)' })),
}, { additionalProperties: false });

export type RouteDocJson = Static<typeof RouteDoc>;

/** A route with its defaults filled in: what the notifier runs. */
export interface Route {
  id: string;
  name: string;
  enabled: boolean;
  version: number;
  kind: string;
  settings: Record<string, unknown>;
  filter: { minSeverity: number; tags: Set<string> | null; namespaces: Set<string> | null; rules: Set<string> | null };
  title: string;
  body: string;
  group: { windowMs: number; maxAlerts: number } | null;
  perMinute: number | null;
  retry: { initialDelayMs: number; maxDelayMs: number; deadlineMs: number; failingAfter: number };
  timeoutMs: number;
  maxBacklog: number;
}

export const DEFAULT_TITLE = '[{severity}] {rule.name}';
export const DEFAULT_BODY = '{messages}';
export const DEFAULT_RETRY = { initialDelayMs: 1_000, maxDelayMs: 60_000, deadlineMs: 6 * 3_600_000, failingAfter: 3 };
