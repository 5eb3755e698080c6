import { Type } from '@sinclair/typebox';
import { Time } from './common.js';

export const PipelineQuery = Type.Object({
  from: Type.Optional(Time('start; default: to minus 1 h')),
  to: Type.Optional(Time('end; default: now')),
}, { additionalProperties: false });

const Counter = Type.Integer();
export const AgentCounters = Type.Object({
  reports: Counter, events: Counter, kernelDrops: Counter, decodeErrors: Counter, spoolDrops: Counter, loaderRestarts: Counter,
  spoolRecords: Type.Integer({ description: 'in the spool at the latest report' }),
  lastReport: Type.Union([Type.String(), Type.Null()], { description: 'ISO time of the latest agent_stats event' }),
});
export const AgentNode = Type.Composite([Type.Object({ node: Type.String() }), AgentCounters]);

export const ConsumerStage = Type.Object({
  stage: Type.String({ description: 'enricher, detector, sink' }),
  group: Type.String(),
  topic: Type.String(),
  end: Type.Integer({ description: 'records produced to the topic (sum of end offsets)' }),
  committed: Type.Integer({ description: 'records the group has committed (sum over partitions)' }),
  lag: Type.Integer({ description: 'end minus committed; a partition never committed counts from its start' }),
});

export const PipelineHealth = Type.Object({
  from: Type.String(),
  to: Type.String(),
  agents: Type.Union([Type.Object({ total: AgentCounters, nodes: Type.Array(AgentNode) }), Type.Null()], { description: 'agent_stats counters in the range; null for a namespace-scoped caller (they are host events)' }),
  stored: Type.Object({ events: Type.Integer(), alerts: Type.Integer(), description: Type.String() }),
  kafka: Type.Object({
    available: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    stages: Type.Array(ConsumerStage),
    deadLetters: Type.Integer({ description: 'records retained on the dead-letter topic' }),
  }),
});
