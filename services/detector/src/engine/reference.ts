import jre from 'json-rules-engine';
import type { Event } from '@tracehound/schemas';
import { CUSTOM_OPERATORS, evaluator } from '../operators/index.js';
import type { RuleSource } from '../rules/model.js';
import { normalizeCondition, normalizeRoot } from '../rules/normalize.js';

// json-rules-engine is CommonJS whose named exports Node cannot detect statically.
const { Engine, Operator, Rule } = jre;

/** What json-rules-engine is given for an event: its top-level fields, nanosecond bigints as numbers. */
export function referenceFacts(event: Event): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.map(convert);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    return v;
  };
  return convert(event) as Record<string, unknown>;
}

/**
 * json-rules-engine as it comes (its jsonpath-plus path resolver, its promises), loaded with the
 * same normalized conditions, shared conditions and custom operators. It is the reference the
 * compiled evaluator is checked against, and the slow baseline of the benchmark.
 */
export class ReferenceEngine {
  private readonly engine: InstanceType<typeof Engine>;

  constructor(source: RuleSource) {
    this.engine = new Engine([], { allowUndefinedFacts: true, allowUndefinedConditions: false, replaceFactsInEventParams: false });
    const ctx = { lists: source.lists };
    for (const op of CUSTOM_OPERATORS) {
      const ev = evaluator({ ...op, factValidator: undefined }, ctx);
      this.engine.addOperator(new Operator(op.name, ev, op.factValidator));
    }
    for (const [name, c] of source.conditions) this.engine.setCondition(name, normalizeRoot(normalizeCondition(c)) as never);
    for (const r of source.rules.values()) {
      if (r.enabled === false) continue;
      const root = normalizeRoot(r.condition);
      const conditions = r.stateful?.type === 'sequence' ? { all: [root, { any: r.stateful.steps.map((s) => normalizeRoot(s.condition)) }] } : root;
      this.engine.addRule(new Rule({ name: r.id, conditions: conditions as never, event: { type: r.id } }));
    }
  }

  /** Ids of the rules whose condition holds for the event (for a sequence rule: and one of its steps). */
  async matching(event: Event): Promise<string[]> {
    const { results } = await this.engine.run(referenceFacts(event));
    return results.map((r) => String(r.name));
  }
}
