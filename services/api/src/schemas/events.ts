import { Type, type TSchema } from '@sinclair/typebox';
import { EVENTS } from '@tracehound/clickhouse';
import { Cursor, Limit, Many, Name, Page, Time } from './common.js';

/** Columns of the events table an API client sees (its own Kafka bookkeeping and computed columns stay inside). */
export const EVENT_VIEW_COLUMNS = EVENTS.columns.filter((c) => !c.name.startsWith('kafka_') && !('expression' in c)).map((c) => c.name);

/** The JSON type of a ClickHouse column as the API returns it. 64-bit integers and nanosecond times are decimal strings. */
function jsonType(type: string): TSchema {
  if (type.startsWith('DateTime64')) return Type.String({ description: 'nanoseconds since the epoch, decimal' });
  if (/U?Int64/.test(type) && !type.startsWith('Array')) return Type.String();
  if (/^U?Int(8|16|32)$/.test(type)) return Type.Integer();
  if (type === 'Bool') return Type.Boolean();
  if (type.startsWith('Map(')) return Type.Record(Type.String(), Type.String());
  if (type.startsWith('Array(Array(')) return Type.Array(Type.Array(Type.String()));
  if (type.startsWith('Array(UInt')) return Type.Array(Type.Integer());
  if (type.startsWith('Array(')) return Type.Array(Type.String());
  return Type.String();
}

/**
 * An event as the API returns it: the flattened columns of the `events` migration (one
 * definition), `time` as ISO 8601 with nanoseconds, and `details` (the kind's block) as an object.
 */
export const EventView = Type.Object({
  time: Type.String({ description: 'ts as ISO 8601 with nine fraction digits' }),
  ...Object.fromEntries(EVENTS.columns.filter((c) => EVENT_VIEW_COLUMNS.includes(c.name) && c.name !== 'details').map((c) => [c.name, jsonType(c.type)])),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'the kind-specific block (exec, file, net, …) as in the Event schema' }),
}, { $id: 'Event' });

export const EventQuery = Type.Object({
  from: Type.Optional(Time('start (inclusive); default: to minus 24 h')),
  to: Type.Optional(Time('end (exclusive); default: now')),
  namespace: Type.Optional(Many(Name('namespace'), 'namespaces')),
  pod: Type.Optional(Many(Name('pod'), 'pod names')),
  container: Type.Optional(Many(Name('container'), 'container names')),
  workload: Type.Optional(Many(Name('workload'), 'workload names (Deployment, DaemonSet, …)')),
  node: Type.Optional(Many(Name('node'), 'node names')),
  kind: Type.Optional(Many(Type.String({ pattern: '^[a-z0-9_]{1,64}$' }), 'event kinds, e.g. process_exec')),
  comm: Type.Optional(Many(Type.String({ minLength: 1, maxLength: 64 }), 'process command names (comm)')),
  exe: Type.Optional(Many(Type.String({ minLength: 1, maxLength: 4096 }), 'executable paths')),
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'file path prefix' })),
  dst: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: 'destination IP address or CIDR' })),
  port: Type.Optional(Many(Type.Integer({ minimum: 0, maximum: 65535 }), 'destination ports')),
  uid: Type.Optional(Many(Type.Integer({ minimum: 0, maximum: 4294967295 }), 'real user ids')),
  enrichment: Type.Optional(Many(Type.Union([Type.Literal('resolved'), Type.Literal('unresolved'), Type.Literal('host'), Type.Literal('')]), 'enrichment status ("" for raw)')),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'case-insensitive text searched in the arguments' })),
  order: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc', description: 'by time' })),
  limit: Type.Optional(Limit(100, 1000)),
  cursor: Type.Optional(Cursor),
}, { additionalProperties: false });

export const EventPage = Page(Type.Ref(EventView));

export const Ancestor = Type.Object({ pid: Type.Integer(), comm: Type.String(), exe: Type.String(), args: Type.Array(Type.String()) });
export const EventDetail = Type.Object({
  event: Type.Ref(EventView),
  ancestry: Type.Array(Ancestor, { description: 'parent first, then its parent, …' }),
  related: Type.Array(Type.Ref(EventView), { description: 'other events of the same process (node, pid, start time), in time order, at most 200' }),
});
