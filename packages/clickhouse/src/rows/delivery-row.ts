import type { Delivery } from '@tracehound/schemas';
import type { SourceOffset } from './event-row.js';
import { nsToClickHouse } from './nanos.js';

/** A Delivery as a row of the `notification_deliveries` table. */
export function deliveryToRow(d: Delivery, src: SourceOffset): Record<string, unknown> {
  return {
    ts: nsToClickHouse(d.ts),
    id: d.id,
    route_id: d.route_id,
    route_kind: d.route_kind,
    rule_id: d.rule_id,
    severity: d.severity,
    alert_ids: d.alert_ids,
    outcome: d.outcome,
    attempt: d.attempt,
    status_code: d.status_code ?? 0,
    error: d.error ?? '',
    duration_ms: d.duration_ms,
    backlog: d.backlog,
    kafka_topic: src.topic,
    kafka_partition: src.partition,
    kafka_offset: src.offset,
  };
}
