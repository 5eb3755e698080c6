import { requirePermission } from '../auth/principal.js';
import type { KafkaLag } from '../adapters/kafka-lag.js';
import type { InsightQueries } from '../queries/insights.js';
import { timeRange } from '../queries/time.js';
import { ERRORS } from '../schemas/common.js';
import { InsightTop, InsightTopQuery } from '../schemas/insights.js';
import { PipelineHealth, PipelineQuery } from '../schemas/pipeline.js';
import type { Api } from './types.js';

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

/** What the dashboard needs beyond the roll-up stats: top pods/processes/destinations and pipeline health. */
export function dashboardRoutes(app: Api, s: { insights: InsightQueries; lag: KafkaLag }): void {
  app.get('/api/v1/stats/events/top-detail', {
    schema: { tags: ['stats'], summary: 'top pods, processes or outbound destinations (from the events table)', querystring: InsightTopQuery, response: { 200: InsightTop, ...ERRORS } },
  }, async (req) => s.insights.top(requirePermission(req.principal, 'read'), req.query));

  app.get('/api/v1/pipeline/health', {
    schema: {
      tags: ['stats'],
      summary: 'pipeline health: agent counters and drops (agent_stats events), consumer lag per stage, dead letters, rows stored',
      querystring: PipelineQuery, response: { 200: PipelineHealth, ...ERRORS },
    },
  }, async (req) => {
    const p = requirePermission(req.principal, 'read');
    const range = timeRange(req.query, 3_600_000, 400 * 86_400_000);
    const [agents, stored, kafka] = await Promise.all([
      p.allNamespaces ? s.insights.agents(p, req.query) : Promise.resolve(null),
      s.insights.stored(p, req.query),
      s.lag.read(),
    ]);
    return {
      from: iso(range.from), to: iso(range.to), agents, kafka,
      stored: { ...stored, description: p.allNamespaces ? 'all namespaces' : `namespaces ${p.namespaces.join(', ')}` },
    };
  });
}
