import { Type } from '@sinclair/typebox';
import { Time } from './common.js';

/** Dimensions of the raw events table the dashboard ranks (the roll-ups carry namespace, kind and node only). */
export const INSIGHT_DIMENSIONS = ['pod', 'process', 'destination'] as const;

export const InsightTopQuery = Type.Object({
  from: Type.Optional(Time('start; default: to minus 24 h')),
  to: Type.Optional(Time('end; default: now')),
  by: Type.Union(INSIGHT_DIMENSIONS.map((d) => Type.Literal(d)), { description: 'pod (namespace/pod), process (comm), destination (address:port of outbound connections)' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
}, { additionalProperties: false });

export const InsightTop = Type.Object({ items: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })) });
