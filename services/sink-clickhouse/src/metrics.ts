import { counter, gauge, histogram } from '@tracehound/metrics';

export const rowsStored = counter({ name: 'tracehound_sink_rows_total', help: 'Rows inserted into ClickHouse', labelNames: ['table'] });
export const rowsSkipped = counter({ name: 'tracehound_sink_rows_already_stored_total', help: 'Re-delivered records skipped because ClickHouse already holds them', labelNames: ['table'] });
export const rowsRejected = counter({ name: 'tracehound_sink_rows_rejected_total', help: 'Rows ClickHouse refused, sent to the dead-letter topic', labelNames: ['table'] });
export const rowsPastRetention = counter({ name: 'tracehound_sink_rows_past_retention_total', help: 'Records older than their table\'s retention, sent to the dead-letter topic instead of being stored for the TTL to drop', labelNames: ['table'] });
export const insertFailures = counter({ name: 'tracehound_sink_insert_failures_total', help: 'Failed inserts, by whether they will be retried', labelNames: ['table', 'retriable'] });
export const insertSeconds = histogram({ name: 'tracehound_sink_insert_seconds', help: 'Time per ClickHouse insert', labelNames: ['table'], buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
export const insertRows = histogram({ name: 'tracehound_sink_insert_rows', help: 'Rows per ClickHouse insert', labelNames: ['table'], buckets: [1, 10, 100, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 50_000] });
export const insertBatches = histogram({ name: 'tracehound_sink_insert_batches', help: 'Kafka batches (partitions) whose rows were inserted together', labelNames: ['table'], buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32] });
export const clickhouseUp = gauge({ name: 'tracehound_sink_clickhouse_up', help: '1 while the last ClickHouse insert succeeded, 0 while inserts are retried' });
