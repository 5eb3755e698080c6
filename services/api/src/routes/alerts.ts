import { TracehoundError } from '@tracehound/errors';
import { requirePermission } from '../auth/principal.js';
import type { AlertAction } from '../queries/alerts.js';
import { AlertDetail, AlertPage, AlertQuery, AlertView, AssignBody, CommentBody, StateBody } from '../schemas/alerts.js';
import { ERRORS, IdParams } from '../schemas/common.js';
import type { RouteModule } from './types.js';

export const alertRoutes: RouteModule = (app, s) => {
  app.get('/api/v1/alerts', {
    schema: { tags: ['alerts'], summary: 'alerts, newest first, with their workflow state', querystring: AlertQuery, response: { 200: AlertPage, ...ERRORS } },
  }, async (req) => s.alerts.list(requirePermission(req.principal, 'read'), req.query));

  app.get('/api/v1/alerts/:id', {
    schema: { tags: ['alerts'], summary: 'one alert, its event and its workflow history', params: IdParams, response: { 200: AlertDetail, ...ERRORS } },
  }, async (req) => {
    const found = await s.alerts.get(requirePermission(req.principal, 'read'), req.params.id);
    if (!found) throw new TracehoundError('TH_ERR_NOT_FOUND', `no alert ${req.params.id}`);
    return found;
  });

  const transitions: Array<[path: string, action: AlertAction, summary: string]> = [
    ['ack', 'ack', 'acknowledge'],
    ['resolve', 'resolve', 'resolve'],
    ['reopen', 'reopen', 'reopen'],
  ];
  for (const [path, action, summary] of transitions) {
    app.post(`/api/v1/alerts/:id/${path}`, {
      schema: { tags: ['alerts'], summary: `${summary} an alert (analyst)`, params: IdParams, body: StateBody, response: { 200: AlertView, ...ERRORS } },
    }, async (req) => s.alerts.change(requirePermission(req.principal, 'alerts:write'), req.params.id, action, { ...(req.body?.comment ? { comment: req.body.comment } : {}) }));
  }

  app.post('/api/v1/alerts/:id/assignee', {
    schema: { tags: ['alerts'], summary: 'assign an alert (analyst)', params: IdParams, body: AssignBody, response: { 200: AlertView, ...ERRORS } },
  }, async (req) => s.alerts.change(requirePermission(req.principal, 'alerts:write'), req.params.id, 'assign', { assignee: req.body.assignee }));

  app.post('/api/v1/alerts/:id/comments', {
    schema: { tags: ['alerts'], summary: 'comment on an alert (analyst)', params: IdParams, body: CommentBody, response: { 200: AlertView, ...ERRORS } },
  }, async (req) => s.alerts.change(requirePermission(req.principal, 'alerts:write'), req.params.id, 'comment', { comment: req.body.text }));
};
