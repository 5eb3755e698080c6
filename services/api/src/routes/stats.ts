import { requirePermission } from '../auth/principal.js';
import { ERRORS } from '../schemas/common.js';
import { ALERT_DIMENSIONS, EVENT_DIMENSIONS, Series, SeriesQuery, Top, TopQuery } from '../schemas/stats.js';
import type { RouteModule } from './types.js';

export const statsRoutes: RouteModule = (app, s) => {
  const which = [['events', EVENT_DIMENSIONS], ['alerts', ALERT_DIMENSIONS]] as const;
  for (const [name, dims] of which) {
    app.get(`/api/v1/stats/${name}/timeseries`, {
      schema: { tags: ['stats'], summary: `${name} per interval, optionally split by a dimension (from the per-minute roll-up)`, querystring: SeriesQuery(dims), response: { 200: Series, ...ERRORS } },
    }, async (req) => s.stats.series(requirePermission(req.principal, 'read'), name, req.query as { from?: string; to?: string; interval?: string; by?: string }));
    app.get(`/api/v1/stats/${name}/top`, {
      schema: { tags: ['stats'], summary: `top ${name} by a dimension (from the per-minute roll-up)`, querystring: TopQuery(dims), response: { 200: Top, ...ERRORS } },
    }, async (req) => s.stats.top(requirePermission(req.principal, 'read'), name, req.query as { from?: string; to?: string; by: string; limit?: number }));
  }
};
