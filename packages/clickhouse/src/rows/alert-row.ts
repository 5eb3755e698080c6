import { toJson, type Alert } from '@tracehound/schemas';
import type { SourceOffset } from './event-row.js';
import { nsToClickHouse } from './nanos.js';

/** An Alert as a row of the `alerts` table; the triggering event is kept whole as JSON. */
export function alertToRow(a: Alert, src: SourceOffset): Record<string, unknown> {
  const e = a.event;
  return {
    ts: nsToClickHouse(a.ts),
    id: a.id,
    rule_id: a.rule.id,
    rule_name: a.rule.name,
    rule_version: a.rule.version,
    severity: a.severity,
    tags: a.tags,
    mitre: a.mitre,
    message: a.message,
    stateful: a.stateful ? toJson(a.stateful) : '',
    event_id: e.id,
    event_ts: nsToClickHouse(e.ts),
    event_kind: e.kind,
    namespace: e.k8s?.namespace ?? e.audit?.namespace ?? '',
    pod: e.k8s?.pod ?? '',
    container: e.k8s?.container ?? '',
    workload: e.k8s?.workload_name ?? '',
    node: e.node,
    comm: e.process?.comm ?? '',
    event: toJson(e),
    kafka_topic: src.topic,
    kafka_partition: src.partition,
    kafka_offset: src.offset,
  };
}
