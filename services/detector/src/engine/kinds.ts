import type { Condition, ListValue } from '../rules/model.js';

/**
 * The event kinds a condition can match at all, read from its `kind` tests (equal, in,
 * inList), or undefined when it may match any kind. Sound by construction: if the condition
 * holds for an event, the event's kind is in the set. Rules are indexed by it, so an event
 * meets only the rules that could fire on its kind.
 */
export function kindsOf(c: Condition, conditions: ReadonlyMap<string, Condition>, lists: ReadonlyMap<string, readonly ListValue[]>, seen = new Set<string>()): Set<string> | undefined {
  if ('all' in c) {
    let out: Set<string> | undefined;
    for (const x of c.all) {
      const k = kindsOf(x, conditions, lists, seen);
      if (k) out = out ? new Set([...out].filter((v) => k.has(v))) : k;
    }
    return out;
  }
  if ('any' in c) {
    const out = new Set<string>();
    for (const x of c.any) {
      const k = kindsOf(x, conditions, lists, seen);
      if (!k) return undefined;
      for (const v of k) out.add(v);
    }
    return out;
  }
  if ('not' in c) return undefined;
  if ('condition' in c) {
    if (seen.has(c.condition)) return undefined;
    const target = conditions.get(c.condition);
    return target ? kindsOf(target, conditions, lists, new Set([...seen, c.condition])) : undefined;
  }
  if (c.fact !== 'kind' || c.path !== undefined) return undefined;
  const strings = (xs: readonly unknown[]) => new Set(xs.filter((x): x is string => typeof x === 'string'));
  if (c.operator === 'equal') return typeof c.value === 'string' ? new Set([c.value]) : new Set();
  if (c.operator === 'in' && Array.isArray(c.value)) return strings(c.value);
  if (c.operator === 'inList' && typeof c.value === 'string') return strings(lists.get(c.value) ?? []);
  return undefined;
}
