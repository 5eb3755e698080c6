import { findCycle, checkCondition, type ConditionScope } from './validate-condition.js';
import { checkRule } from './validate-rule.js';
import { NAME, type Condition, type ListValue, type RuleDoc, type RuleSource } from './model.js';
import type { Issue, Pointer } from './issues.js';

export const MAX_LIST_ITEMS = 100_000;
export const MAX_ITEM_LENGTH = 4_096;

/** A document and where it came from, so an issue can point at it. */
export interface Located {
  value: unknown;
  source: string;
  pointer: Pointer;
}

/** Lists, shared conditions and rules as read, not yet checked. */
export interface RawSource {
  lists: Map<string, Located>;
  conditions: Map<string, Located>;
  rules: Map<string, Located>;
}

export const emptyRaw = (): RawSource => ({ lists: new Map(), conditions: new Map(), rules: new Map() });

export const cloneRaw = (r: RawSource): RawSource => ({ lists: new Map(r.lists), conditions: new Map(r.conditions), rules: new Map(r.rules) });

function checkList(name: string, l: Located, issues: Issue[]): void {
  const at = l.pointer;
  const push = (pointer: Pointer, message: string): void => void issues.push({ pointer, message, item: `list:${name}`, source: l.source });
  if (!NAME.test(name)) push(at, `list name must match ${NAME}`);
  if (!Array.isArray(l.value)) return push(at, `a list is an array of strings or numbers, got ${JSON.stringify(l.value)?.slice(0, 60)}`);
  if (l.value.length > MAX_LIST_ITEMS) return push(at, `list has ${l.value.length} items, more than ${MAX_LIST_ITEMS}: split it or use a glob/cidr`);
  const bad = l.value.findIndex((x) => !((typeof x === 'string' && x.length <= MAX_ITEM_LENGTH) || (typeof x === 'number' && Number.isFinite(x))));
  if (bad >= 0) push([...at, bad], `list items are strings of at most ${MAX_ITEM_LENGTH} characters or numbers, got ${JSON.stringify(l.value[bad])?.slice(0, 60)}`);
}

/** Every problem of a whole source: each list, shared condition and rule, and how they refer to each other. */
export function checkSource(raw: RawSource): Issue[] {
  const issues: Issue[] = [];
  for (const [name, l] of raw.lists) checkList(name, l, issues);
  const lists = new Map<string, ListValue[]>();
  for (const [name, l] of raw.lists) if (Array.isArray(l.value)) lists.set(name, l.value as ListValue[]);
  const scope: ConditionScope = { ctx: { lists }, conditionNames: new Set(raw.conditions.keys()) };
  const tag = (from: number, item: string, source: string) => {
    for (let i = from; i < issues.length; i++) {
      issues[i]!.item ??= item;
      issues[i]!.source ??= source;
    }
  };
  for (const [name, c] of raw.conditions) {
    const from = issues.length;
    if (!NAME.test(name)) issues.push({ pointer: c.pointer, message: `shared condition name must match ${NAME}` });
    checkCondition(c.value, c.pointer, scope, issues);
    tag(from, `condition:${name}`, c.source);
  }
  const typed = new Map([...raw.conditions].map(([k, v]) => [k, v.value as Condition]));
  const cycle = issues.length === 0 ? findCycle(typed) : undefined;
  if (cycle) {
    const first = raw.conditions.get(cycle[0]!)!;
    issues.push({ pointer: first.pointer, message: `shared conditions refer to each other in a cycle: ${cycle.join(' -> ')}`, item: `condition:${cycle[0]}`, source: first.source });
  }
  for (const [id, r] of raw.rules) {
    const from = issues.length;
    checkRule(r.value, r.pointer, scope, issues);
    const docId = (r.value as { id?: unknown } | null)?.id;
    if (typeof docId === 'string' && docId !== id) issues.push({ pointer: [...r.pointer, 'id'], message: `rule id "${docId}" differs from its key "${id}"` });
    tag(from, `rule:${id}`, r.source);
  }
  return issues;
}

/** The typed source of a raw one that checkSource found no problem in. */
export function toSource(raw: RawSource): RuleSource {
  return {
    lists: new Map([...raw.lists].map(([k, v]) => [k, v.value as ListValue[]])),
    conditions: new Map([...raw.conditions].map(([k, v]) => [k, v.value as Condition])),
    rules: new Map([...raw.rules].map(([k, v]) => [k, v.value as RuleDoc])),
  };
}
