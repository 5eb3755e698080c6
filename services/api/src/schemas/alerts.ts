import { Type } from '@sinclair/typebox';
import { Cursor, Limit, Many, Name, Page, Time } from './common.js';

export const SEVERITY = Type.Union([Type.Literal('info'), Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]);
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export const AlertStateName = Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]);

export const AlertView = Type.Object({
  id: Type.String(),
  ts: Type.String({ description: 'ns since the epoch, decimal' }),
  time: Type.String({ description: 'ISO 8601 with nanoseconds' }),
  rule_id: Type.String(),
  rule_name: Type.String(),
  rule_version: Type.Integer(),
  severity: Type.String(),
  tags: Type.Array(Type.String()),
  mitre: Type.Array(Type.String()),
  message: Type.String(),
  stateful: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  event_id: Type.String(),
  event_ts: Type.String(),
  event_kind: Type.String(),
  namespace: Type.String(),
  pod: Type.String(),
  container: Type.String(),
  workload: Type.String(),
  node: Type.String(),
  comm: Type.String(),
  state: AlertStateName,
  assignee: Type.String({ description: 'empty when unassigned' }),
}, { $id: 'Alert' });

export const AlertQuery = Type.Object({
  from: Type.Optional(Time('start (inclusive); default: to minus 7 days')),
  to: Type.Optional(Time('end (exclusive); default: now')),
  severity: Type.Optional(Many(SEVERITY, 'severities')),
  rule: Type.Optional(Many(Type.String({ minLength: 1, maxLength: 128 }), 'rule ids')),
  namespace: Type.Optional(Many(Name('namespace'), 'namespaces')),
  state: Type.Optional(Many(AlertStateName, 'workflow states')),
  limit: Type.Optional(Limit(100, 1000)),
  cursor: Type.Optional(Cursor),
}, { additionalProperties: false });

export const AlertPage = Page(Type.Ref(AlertView));

export const AlertHistoryEntry = Type.Object({
  time: Type.String(), actor: Type.String(), action: Type.String(), state: AlertStateName, assignee: Type.String(), comment: Type.String(),
});
export const AlertDetail = Type.Object({
  alert: Type.Ref(AlertView),
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'the triggering event in the JSON form of the Event schema' }),
  history: Type.Array(AlertHistoryEntry),
});

export const AssignBody = Type.Object({ assignee: Type.String({ maxLength: 128, description: 'user name; empty to unassign' }) }, { additionalProperties: false });
export const CommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000 }) }, { additionalProperties: false });
export const StateBody = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 10_000 })) }, { additionalProperties: false });
