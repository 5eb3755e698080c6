import { Type } from '@sinclair/typebox';
import { Time } from './common.js';

export const INTERVALS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21_600, '1d': 86_400 } as const;
export const EVENT_DIMENSIONS = ['none', 'namespace', 'kind', 'node'] as const;
export const ALERT_DIMENSIONS = ['none', 'namespace', 'severity', 'rule'] as const;

const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));

const range = {
  from: Type.Optional(Time('start; default: to minus 24 h')),
  to: Type.Optional(Time('end; default: now')),
};

export const SeriesQuery = (dims: readonly string[]) => Type.Object({
  ...range,
  interval: Type.Optional(Type.Union(Object.keys(INTERVALS).map((k) => Type.Literal(k)), { default: '5m' })),
  by: Type.Optional(lit(dims)),
}, { additionalProperties: false });

export const TopQuery = (dims: readonly string[]) => Type.Object({
  ...range,
  by: lit(dims.filter((d) => d !== 'none')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
}, { additionalProperties: false });

export const Series = Type.Object({
  interval: Type.String(),
  points: Type.Array(Type.Object({ time: Type.String(), key: Type.String(), count: Type.Integer() })),
});
export const Top = Type.Object({ items: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() })) });
