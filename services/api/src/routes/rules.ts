import { Type } from '@sinclair/typebox';
import { TracehoundError } from '@tracehound/errors';
import { requirePermission } from '../auth/principal.js';
import type { RuleJson, RuleService } from '../rules/rule-service.js';
import { ERRORS, Ok } from '../schemas/common.js';
import { BacktestBody, BacktestResult, RuleDoc, RuleHistory, RuleIdParams, RuleInvalid, RuleList } from '../schemas/rules.js';
import type { RouteModule } from './types.js';

const RULE_ERRORS = { ...ERRORS, 400: RuleInvalid, 409: ERRORS[400], 503: ERRORS[500] };

export const ruleRoutes: RouteModule = (app, s) => {
  const rules = (): RuleService => {
    if (!s.rules) throw new TracehoundError('TH_ERR_UNREACHABLE', 'rule management is not available on this server');
    return s.rules;
  };
  const tags = ['rules'];

  app.get('/api/v1/rules', { schema: { tags, summary: 'the rules in force (as on the rules topic)', response: { 200: RuleList, ...RULE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: rules().list() };
  });
  app.get('/api/v1/rules/:id', { schema: { tags, summary: 'one rule', params: RuleIdParams, response: { 200: Type.Ref(RuleDoc), ...RULE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return rules().get(req.params.id);
  });
  app.get('/api/v1/rules/:id/history', { schema: { tags, summary: 'every change of a rule made through the API', params: RuleIdParams, response: { 200: RuleHistory, ...RULE_ERRORS } } }, async (req) => {
    requirePermission(req.principal, 'read');
    return { items: await rules().historyOf(req.params.id) };
  });
  app.post('/api/v1/rules', { schema: { tags, summary: 'create a rule (analyst with all namespaces)', body: RuleDoc, response: { 201: Type.Ref(RuleDoc), ...RULE_ERRORS } } }, async (req, reply) => {
    const p = requirePermission(req.principal, 'rules:write');
    return reply.code(201).send(await rules().create(p, req.body as RuleJson));
  });
  app.put('/api/v1/rules/:id', { schema: { tags, summary: 'replace a rule; its version goes up by one', params: RuleIdParams, body: RuleDoc, response: { 200: Type.Ref(RuleDoc), ...RULE_ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'rules:write');
    return rules().update(p, req.params.id, req.body as RuleJson);
  });
  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/v1/rules/:id/${path}`, { schema: { tags, summary: `${path} a rule`, params: RuleIdParams, response: { 200: Type.Ref(RuleDoc), ...RULE_ERRORS } } }, async (req) => {
      const p = requirePermission(req.principal, 'rules:write');
      return rules().setEnabled(p, req.params.id, enabled);
    });
  }
  app.delete('/api/v1/rules/:id', { schema: { tags, summary: 'delete a rule (a tombstone on the rules topic)', params: RuleIdParams, response: { 200: Ok, ...RULE_ERRORS } } }, async (req) => {
    const p = requirePermission(req.principal, 'rules:write');
    await rules().remove(p, req.params.id);
    return { ok: true };
  });
  app.post('/api/v1/rules/backtest', {
    schema: { tags, summary: 'run a rule (stored, or in the body) over stored events of a time range; bounded in events and time', body: BacktestBody, response: { 200: BacktestResult, ...RULE_ERRORS } },
  }, async (req) => {
    const p = requirePermission(req.principal, 'rules:backtest');
    return rules().backtest(p, req.body as { rule?: RuleJson; ruleId?: string; from: string; to?: string; limit?: number });
  });
};
