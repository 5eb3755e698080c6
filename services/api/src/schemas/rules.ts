import { Type } from '@sinclair/typebox';
import { Time } from './common.js';

/** A rule document (docs/rules.md). The detector's validation checks it field by field; this schema only bounds its size. */
export const RuleDoc = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' }),
}, { additionalProperties: true, maxProperties: 64, $id: 'RuleDoc', description: 'a rule as in docs/rules.md: id, name, description, severity, tags, condition, output, …' });

export const RuleIdParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$' }) }, { additionalProperties: false });

export const RuleIssue = Type.Object({ pointer: Type.String({ description: 'JSON pointer into the rule' }), message: Type.String() });
export const RuleInvalid = Type.Object({
  error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()), requestId: Type.Optional(Type.String()),
  issues: Type.Optional(Type.Array(RuleIssue, { description: 'for TH_ERR_RULE_INVALID: each problem of the rule' })),
});

export const RuleList = Type.Object({ items: Type.Array(Type.Ref(RuleDoc)) });
export const RuleHistoryEntry = Type.Object({ version: Type.Integer(), time: Type.String(), actor: Type.String(), action: Type.String(), enabled: Type.Boolean(), deleted: Type.Boolean(), rule: Type.Union([Type.Ref(RuleDoc), Type.Null()]) });
export const RuleHistory = Type.Object({ items: Type.Array(RuleHistoryEntry) });

export const BacktestBody = Type.Object({
  rule: Type.Optional(Type.Ref(RuleDoc)),
  ruleId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,127}$', description: 'a stored rule, instead of `rule`' })),
  from: Time('start of the events to replay'),
  to: Type.Optional(Time('end; default: now')),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 100, description: 'matches returned (all are counted)' })),
}, { additionalProperties: false });

export const BacktestMatch = Type.Object({ id: Type.String(), ts: Type.String(), time: Type.String(), namespace: Type.String(), pod: Type.String(), kind: Type.String(), comm: Type.String() });
export const BacktestResult = Type.Object({
  evaluated: Type.Integer({ description: 'events the rule was evaluated on' }),
  matched: Type.Integer(),
  byNamespace: Type.Record(Type.String(), Type.Integer()),
  truncated: Type.Boolean({ description: 'true when the event or time bound stopped the run early' }),
  reason: Type.Optional(Type.String()),
  tookMs: Type.Integer(),
  matches: Type.Array(BacktestMatch),
});
