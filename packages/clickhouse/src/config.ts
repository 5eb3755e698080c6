import type { ClickHouseOptions } from './client.js';
import type { DdlContext } from './schema/ddl.js';

/** The configuration variables (ClickHouseConfig, RetentionConfig, DataDirConfig) the storage reads. */
export interface StorageSettings {
  TRACEHOUND_DATA_DIR: string;
  TRACEHOUND_CLICKHOUSE_URL?: string | undefined;
  TRACEHOUND_CLICKHOUSE_DATABASE: string;
  TRACEHOUND_CLICKHOUSE_CLUSTER?: string | undefined;
  TRACEHOUND_RETENTION_EVENTS_DAYS: number;
  TRACEHOUND_RETENTION_ALERTS_DAYS: number;
  TRACEHOUND_RETENTION_AUDIT_DAYS: number;
}

/** Client options and DDL context from loaded configuration: what every process with storage starts from. */
export function storageFromConfig(cfg: StorageSettings): { client: ClickHouseOptions; ddl: DdlContext } {
  return {
    client: { url: cfg.TRACEHOUND_CLICKHOUSE_URL, dataDir: cfg.TRACEHOUND_DATA_DIR, database: cfg.TRACEHOUND_CLICKHOUSE_DATABASE },
    ddl: {
      database: cfg.TRACEHOUND_CLICKHOUSE_DATABASE,
      cluster: cfg.TRACEHOUND_CLICKHOUSE_CLUSTER,
      retention: { eventsDays: cfg.TRACEHOUND_RETENTION_EVENTS_DAYS, alertsDays: cfg.TRACEHOUND_RETENTION_ALERTS_DAYS, auditDays: cfg.TRACEHOUND_RETENTION_AUDIT_DAYS },
    },
  };
}
