/**
 * The rule language: JSON documents whose conditions are json-rules-engine's (`all`, `any`,
 * `not`, `condition` references, leaves of fact + path + operator + value), plus metadata.
 * docs/rules.md is the user-facing description; keep the two in step.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type RuleSeverity = (typeof SEVERITIES)[number];

/** The first tag of every rule; the rest are free tags and MITRE ATT&CK technique ids. */
export const MATURITIES = ['stable', 'incubating', 'sandbox', 'deprecated'] as const;

export const MITRE_TAG = /^T[0-9]{4}(\.[0-9]{3})?$/;
export const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface LeafCondition {
  fact: string;
  /** JSON path into the fact: `$.a.b`, `$.a[0]`, `$['a.b']`. */
  path?: string;
  operator: string;
  value: unknown;
}
export interface ConditionRef {
  condition: string;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | ConditionRef | LeafCondition;

export interface ExceptionSpec {
  name: string;
  /** Dotted event fields, e.g. `process.exe`. */
  fields: string[];
  /** Operators per field (default `equal`); any operator of the registry. */
  comps?: string[];
  /** Each row silences the rule when every field matches its value. */
  values: unknown[][];
}

export interface ThrottleSpec {
  /** Dotted fields forming the key; default `k8s.pod_uid`. */
  by?: string[];
  window_ms: number;
}

export interface ThresholdSpec {
  type: 'threshold';
  by?: string[];
  count: number;
  window_ms: number;
}
export interface SequenceStep {
  name: string;
  condition: Condition;
}
export interface SequenceSpec {
  type: 'sequence';
  by?: string[];
  within_ms: number;
  steps: SequenceStep[];
}
export type StatefulSpec = ThresholdSpec | SequenceSpec;

/** A partial event; the missing fields come from a sample event of the same kind. */
export type ExampleEvent = Record<string, unknown>;
export type Example = ExampleEvent | { events: ExampleEvent[]; times?: number };

export interface RuleDoc {
  id: string;
  name: string;
  description: string;
  severity: RuleSeverity;
  tags: string[];
  version?: number;
  enabled?: boolean;
  condition: Condition;
  output: string;
  throttle?: ThrottleSpec;
  exceptions?: ExceptionSpec[];
  stateful?: StatefulSpec;
  examples?: { positive?: Example[]; negative?: Example[] };
}

export type ListValue = string | number;

/** One rule file: reusable lists, shared named conditions (Falco's macros) and rules. */
export interface RuleFile {
  lists?: Record<string, ListValue[]>;
  conditions?: Record<string, Condition>;
  rules?: RuleDoc[];
}

/** Every list, shared condition and rule in force, by name/id. */
export interface RuleSource {
  lists: Map<string, ListValue[]>;
  conditions: Map<string, Condition>;
  rules: Map<string, RuleDoc>;
}

export const emptySource = (): RuleSource => ({ lists: new Map(), conditions: new Map(), rules: new Map() });

export function isLeaf(c: Condition): c is LeafCondition {
  return typeof c === 'object' && c !== null && 'fact' in c;
}
