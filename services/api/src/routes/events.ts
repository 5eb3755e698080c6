import { TracehoundError } from '@tracehound/errors';
import { requirePermission } from '../auth/principal.js';
import { ERRORS, IdParams } from '../schemas/common.js';
import { EventDetail, EventPage, EventQuery } from '../schemas/events.js';
import type { RouteModule } from './types.js';

export const eventRoutes: RouteModule = (app, s) => {
  app.get('/api/v1/events', {
    schema: { tags: ['events'], summary: 'search events, newest first, with cursor pagination', querystring: EventQuery, response: { 200: EventPage, ...ERRORS } },
  }, async (req) => s.events.list(requirePermission(req.principal, 'read'), req.query));

  app.get('/api/v1/events/:id', {
    schema: { tags: ['events'], summary: 'one event with its process ancestry and the other events of its process', params: IdParams, response: { 200: EventDetail, ...ERRORS } },
  }, async (req) => {
    const found = await s.events.get(requirePermission(req.principal, 'read'), req.params.id);
    if (!found) throw new TracehoundError('TH_ERR_NOT_FOUND', `no event ${req.params.id}`);
    return found;
  });
};
