import { EVENT_KIND_SYMBOLS, type Event } from '@tracehound/schemas';
import type { OperatorContext } from '../operators/index.js';
import { fieldReader, parseField, type Segment } from '../rules/field-path.js';
import { MITRE_TAG, type Condition, type RuleDoc, type RuleSeverity, type RuleSource } from '../rules/model.js';
import { normalizeCondition, normalizeRoot } from '../rules/normalize.js';
import { compileCondition, type CompileEnv, type Predicate } from './compile.js';
import { compileExceptions, type ExceptionMatch } from './exceptions.js';
import { DEFAULT_KEY, referencedFields } from './fields.js';
import { kindsOf } from './kinds.js';
import { compileTemplate, type Render } from './template.js';

export { DEFAULT_KEY };

export type KeyOf = (e: object) => string;

export interface CompiledThreshold {
  type: 'threshold';
  key: KeyOf;
  count: number;
  windowNs: bigint;
}
export interface CompiledSequence {
  type: 'sequence';
  key: KeyOf;
  withinNs: bigint;
  steps: Predicate[];
}

export interface CompiledRule {
  id: string;
  version: number;
  name: string;
  severity: RuleSeverity;
  tags: string[];
  mitre: string[];
  doc: RuleDoc;
  /** The rule's condition. Sequence steps are in `stateful`. */
  predicate: Predicate;
  kinds: ReadonlySet<string> | undefined;
  exception: ExceptionMatch;
  render: Render;
  throttle?: { key: KeyOf; windowNs: bigint };
  stateful?: CompiledThreshold | CompiledSequence;
}

export function keyOf(fields: string[] | undefined): KeyOf {
  const readers = (fields ?? DEFAULT_KEY).map((f) => fieldReader((parseField(f) as { segments: Segment[] }).segments));
  return (e) => readers.map((r) => {
    const v = r(e);
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }).join('|');
}

const ms = (n: number) => BigInt(n) * 1_000_000n;

function compileRule(doc: RuleDoc, env: CompileEnv, source: RuleSource): CompiledRule {
  const root = normalizeRoot(doc.condition);
  let kinds = kindsOf(root, env.conditions, source.lists);
  const rule: CompiledRule = {
    id: doc.id,
    version: doc.version ?? 1,
    name: doc.name,
    severity: doc.severity,
    tags: doc.tags,
    mitre: doc.tags.filter((t) => MITRE_TAG.test(t)),
    doc,
    predicate: compileCondition(root, env),
    kinds,
    exception: compileExceptions(doc.exceptions ?? [], env.ctx),
    render: compileTemplate(doc.output, doc.stateful !== undefined),
  };
  if (doc.throttle) rule.throttle = { key: keyOf(doc.throttle.by), windowNs: ms(doc.throttle.window_ms) };
  const s = doc.stateful;
  if (s?.type === 'threshold') rule.stateful = { type: 'threshold', key: keyOf(s.by), count: s.count, windowNs: ms(s.window_ms) };
  if (s?.type === 'sequence') {
    const steps = s.steps.map((x) => normalizeRoot(x.condition));
    // An event reaches a sequence rule if it can match the rule's condition and some step.
    const stepKinds = steps.map((x) => kindsOf(x, env.conditions, source.lists));
    if (kinds === undefined && stepKinds.every((k) => k !== undefined)) kinds = new Set(stepKinds.flatMap((k) => [...k!]));
    rule.kinds = kinds;
    rule.stateful = { type: 'sequence', key: keyOf(s.by), withinNs: ms(s.within_ms), steps: steps.map((x) => compileCondition(x, env)) };
  }
  return rule;
}

/**
 * The rules in force, compiled, and indexed by event kind. Built from a source that
 * checkSource found no problem in; a new source makes a new RuleSet (rules are swapped whole).
 */
export class RuleSet {
  readonly rules: CompiledRule[];
  /** Every event field these rules and Detection read (engine/fields.ts): what the detector decodes of an event. */
  readonly fields: Segment[][];
  private readonly byKind = new Map<string, CompiledRule[]>();
  private readonly anyKind: CompiledRule[];

  constructor(readonly source: RuleSource) {
    const ctx: OperatorContext = { lists: source.lists };
    const conditions = new Map<string, Condition>([...source.conditions].map(([k, v]) => [k, normalizeCondition(v)]));
    const env: CompileEnv = { ctx, conditions, compiled: new Map() };
    this.rules = [...source.rules.values()].filter((r) => r.enabled !== false).map((r) => compileRule(r, env, source));
    this.fields = referencedFields(source);
    this.anyKind = this.rules.filter((r) => r.kinds === undefined);
    for (const k of EVENT_KIND_SYMBOLS) this.byKind.set(k, this.rules.filter((r) => r.kinds === undefined || r.kinds.has(k)));
  }

  /** The rules an event of this kind can match, in rule order. */
  candidates(kind: string): readonly CompiledRule[] {
    return this.byKind.get(kind) ?? this.anyKind;
  }

  /**
   * Stateless verdicts: the rules whose condition holds for the event (and, for a sequence
   * rule, one of its steps); exceptions, throttles and state are not applied.
   */
  matching(event: Event): CompiledRule[] {
    const e = event as unknown as Record<string, unknown>;
    return this.candidates(event.kind).filter((r) => r.predicate(e) && (r.stateful?.type !== 'sequence' || r.stateful.steps.some((s) => s(e))));
  }

  get(id: string): CompiledRule | undefined {
    return this.rules.find((r) => r.id === id);
  }
}
