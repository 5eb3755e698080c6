import type { Kafka } from 'kafkajs';
import type { ClickHouseLike, QueryLimits } from '@tracehound/clickhouse';
import { DEFAULT_STAGE_GROUPS, KafkaLag, type StageGroups } from './adapters/kafka-lag.js';
import { InsightQueries } from './queries/insights.js';
import { dashboardRoutes } from './routes/dashboard.js';
import type { Api } from './routes/types.js';
import { serveUi } from './ui-static.js';

export interface UiOptions {
  /** The UI build (default: services/ui/dist). */
  uiDir?: string;
  /** Consumer groups of the stages whose lag the dashboard shows. */
  stageGroups?: Partial<StageGroups>;
}

/** The web UI and the endpoints only its dashboard needs; one call from app.ts. */
export async function registerUiSupport(app: Api, o: UiOptions & { clickhouse: ClickHouseLike; database: string; limits: QueryLimits; kafka?: { kafka: Kafka; topicPrefix: string } | undefined }): Promise<void> {
  const lag = new KafkaLag(o.kafka?.kafka, o.kafka?.topicPrefix ?? 'tracehound', { ...DEFAULT_STAGE_GROUPS, ...o.stageGroups });
  dashboardRoutes(app, { insights: new InsightQueries(o.clickhouse, o.database, o.limits), lag });
  await serveUi(app, o.uiDir);
}
