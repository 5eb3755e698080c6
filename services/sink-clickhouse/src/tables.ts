import { ALERTS, EVENTS, EVENT_NATIVE_COLUMNS, NOTIFICATION_DELIVERIES, alertToRow, deliveryToRow, eventToRow, type DdlContext, type NativeColumns, type SourceOffset, type TableSpec } from '@tracehound/clickhouse';
import type { TopicId } from '@tracehound/kafka';
import type { Alert, Delivery, Event, RecordName } from '@tracehound/schemas';

/** What the sink stores from one topic: the record, the table (a migration) and the row mapping. */
export interface SinkTable {
  topic: TopicId;
  record: RecordName;
  spec: TableSpec;
  toRow(value: unknown, src: SourceOffset): Record<string, unknown>;
  /**
   * For Native inserts (no JSON made or parsed): how each column (insertColumns order) is read from
   * a consumed record, so the encoder writes the block straight from the records. Tables without it go as JSON.
   */
  nativeColumns?: NativeColumns<never>;
  /** Days its rows are kept: the TTL of its migration drops older ones. */
  retentionDays(r: DdlContext['retention']): number;
}

/** Every topic the sink consumes: a new one is one line here plus its migration. */
export const SINK_TABLES: readonly SinkTable[] = [
  { topic: 'eventsEnriched', record: 'tracehound.Event', spec: EVENTS, toRow: (v, src) => eventToRow(v as Event, src), nativeColumns: EVENT_NATIVE_COLUMNS, retentionDays: (r) => r.eventsDays },
  { topic: 'alerts', record: 'tracehound.Alert', spec: ALERTS, toRow: (v, src) => alertToRow(v as Alert, src), retentionDays: (r) => r.alertsDays },
  { topic: 'notifyDeliveries', record: 'tracehound.Delivery', spec: NOTIFICATION_DELIVERIES, toRow: (v, src) => deliveryToRow(v as Delivery, src), retentionDays: (r) => r.alertsDays },
];
