import { FACT_COMPARISONS } from '../operators/builtin.js';
import { DECORATORS, OPERATORS, type OperatorContext } from '../operators/index.js';
import { lookupField, type FieldInfo } from './event-fields.js';
import { parseField, parseJsonPath, type Segment } from './field-path.js';
import type { Condition } from './model.js';
import type { Issue, Pointer } from './issues.js';

export const MAX_DEPTH = 32;
export const MAX_CHILDREN = 1000;
const BOOLEAN = ['all', 'any', 'not', 'condition'] as const;
const LEAF_KEYS = new Set(['fact', 'path', 'operator', 'value']);

export interface ConditionScope {
  ctx: OperatorContext;
  /** Names of shared conditions that may be referenced. */
  conditionNames: ReadonlySet<string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Resolves a fact (dotted or with a path) to its schema field, or pushes an issue. */
function checkFact(obj: Record<string, unknown>, at: Pointer, issues: Issue[]): { info: FieldInfo; segments: Segment[] } | undefined {
  if (typeof obj.fact !== 'string' || obj.fact === '') {
    issues.push({ pointer: [...at, 'fact'], message: `"fact" must be a non-empty string naming an event field, got ${JSON.stringify(obj.fact)}` });
    return undefined;
  }
  const f = parseField(obj.fact);
  if (!f.ok) return void issues.push({ pointer: [...at, 'fact'], message: f.reason });
  let segments = f.segments;
  if (obj.path !== undefined) {
    if (segments.length > 1) return void issues.push({ pointer: [...at, 'path'], message: `fact "${obj.fact}" already names a field: drop "path" or use fact "${String(segments[0])}"` });
    if (typeof obj.path !== 'string') return void issues.push({ pointer: [...at, 'path'], message: `"path" must be a string like "$.exe", got ${JSON.stringify(obj.path)}` });
    const p = parseJsonPath(obj.path);
    if (!p.ok) return void issues.push({ pointer: [...at, 'path'], message: p.reason });
    segments = [...segments, ...p.segments];
  }
  const l = lookupField(segments);
  if (!l.ok) return void issues.push({ pointer: [...at, obj.path !== undefined && segments.length > 1 ? 'path' : 'fact'], message: `unknown fact: ${l.reason}` });
  return { info: l.info, segments };
}

/** Checks a value against an operator with decorators, e.g. `someValue:startsWith`. */
export function checkOperator(name: unknown, value: unknown, ctx: OperatorContext): string | undefined {
  if (typeof name !== 'string' || name === '') return `"operator" must be a string, got ${JSON.stringify(name)}`;
  const parts = name.split(':');
  const base = parts.pop()!;
  const op = OPERATORS.get(base);
  if (!op) return `unknown operator "${base}" (known: ${[...OPERATORS.keys()].join(', ')})`;
  for (const d of parts) {
    if (!(DECORATORS as readonly string[]).includes(d)) return `unknown operator decorator "${d}" in "${name}" (known: ${DECORATORS.join(', ')})`;
  }
  // Decorators apply outermost first; what reaches the base operator decides what to check.
  let values: unknown[] = [value];
  for (const d of parts) {
    if (d === 'someValue' || d === 'everyValue') {
      const bad = values.find((v) => !Array.isArray(v) || v.length === 0);
      if (bad !== undefined) return `"${d}" expects a non-empty array value, got ${JSON.stringify(bad)}`;
      values = values.flatMap((v) => v as unknown[]);
    }
  }
  for (const v of values) {
    const reason = op.check(v, ctx);
    if (reason) return `operator "${base}" ${reason}`;
  }
  return undefined;
}

function checkEnumValue(info: FieldInfo, operator: string, value: unknown): string | undefined {
  if (!info.symbols) return undefined;
  const candidates = operator === 'equal' || operator === 'notEqual' ? [value] : operator === 'in' || operator === 'notIn' ? (value as unknown[]) : [];
  const bad = candidates.find((v) => typeof v === 'string' && !info.symbols!.includes(v));
  return bad === undefined ? undefined : `"${String(bad)}" is not a possible value (known: ${info.symbols.join(', ')})`;
}

function checkLeaf(obj: Record<string, unknown>, at: Pointer, scope: ConditionScope, issues: Issue[]): void {
  for (const k of Object.keys(obj)) {
    if (!LEAF_KEYS.has(k)) issues.push({ pointer: [...at, k], message: `unknown key "${k}" in a condition (a leaf has fact, path, operator, value)` });
  }
  if (!('operator' in obj)) issues.push({ pointer: at, message: 'a condition with "fact" needs "operator"' });
  if (!('value' in obj)) issues.push({ pointer: at, message: 'a condition with "fact" needs "value" (use null to compare with null)' });
  const field = checkFact(obj, at, issues);
  if (!('operator' in obj) || !('value' in obj)) return;
  if (isObject(obj.value) && 'fact' in obj.value) {
    for (const k of Object.keys(obj.value)) if (k !== 'fact' && k !== 'path') issues.push({ pointer: [...at, 'value', k], message: `unknown key "${k}" in a fact reference (it has fact and path)` });
    checkFact(obj.value, [...at, 'value'], issues);
    const names = String(obj.operator).split(':');
    const base = names.pop()!;
    if (!FACT_COMPARISONS.has(base) || names.some((d) => !['someFact', 'everyFact', 'not'].includes(d))) {
      issues.push({ pointer: [...at, 'operator'], message: `comparing with another fact allows ${[...FACT_COMPARISONS.keys()].join(', ')} (optionally after someFact:, everyFact:, not:), got "${String(obj.operator)}"` });
    }
    return;
  }
  const reason = checkOperator(obj.operator, obj.value, scope.ctx);
  if (reason) {
    issues.push({ pointer: [...at, /unknown operator|"operator" must/.test(reason) ? 'operator' : 'value'], message: reason });
    return;
  }
  const enumReason = field && checkEnumValue(field.info, String(obj.operator), obj.value);
  if (enumReason) issues.push({ pointer: [...at, 'value'], message: enumReason });
}

/** Checks a condition tree, pushing every problem with its exact place. */
export function checkCondition(c: unknown, at: Pointer, scope: ConditionScope, issues: Issue[], depth = 0): void {
  if (depth > MAX_DEPTH) return void issues.push({ pointer: at, message: `conditions nest deeper than ${MAX_DEPTH} levels` });
  if (!isObject(c)) return void issues.push({ pointer: at, message: `a condition must be an object, got ${JSON.stringify(c)?.slice(0, 60)}` });
  const kinds = BOOLEAN.filter((k) => k in c);
  if (kinds.length > 1 || (kinds.length === 1 && 'fact' in c)) {
    return void issues.push({ pointer: at, message: `a condition has exactly one of all, any, not, condition or fact; found ${[...kinds, ...('fact' in c ? ['fact'] : [])].join(' and ')}` });
  }
  const kind = kinds[0];
  if (kind === undefined) {
    if ('fact' in c) return checkLeaf(c, at, scope, issues);
    return void issues.push({ pointer: at, message: `a condition needs one of all, any, not, condition or fact; found keys ${Object.keys(c).join(', ') || 'none'}` });
  }
  for (const k of Object.keys(c)) if (k !== kind) issues.push({ pointer: [...at, k], message: `unknown key "${k}" beside "${kind}"` });
  const v = c[kind];
  if (kind === 'all' || kind === 'any') {
    if (!Array.isArray(v) || v.length === 0) return void issues.push({ pointer: [...at, kind], message: `"${kind}" must be a non-empty array of conditions` });
    if (v.length > MAX_CHILDREN) return void issues.push({ pointer: [...at, kind], message: `"${kind}" has ${v.length} conditions, more than ${MAX_CHILDREN}` });
    v.forEach((child, i) => checkCondition(child, [...at, kind, i], scope, issues, depth + 1));
  } else if (kind === 'not') {
    checkCondition(v, [...at, 'not'], scope, issues, depth + 1);
  } else if (typeof v !== 'string' || !scope.conditionNames.has(v)) {
    issues.push({ pointer: [...at, 'condition'], message: `shared condition ${JSON.stringify(v)} is not defined (known: ${[...scope.conditionNames].join(', ') || 'none'})` });
  }
}

/** Names of shared conditions a condition refers to, directly. */
export function references(c: Condition, out = new Set<string>()): Set<string> {
  if ('all' in c) c.all.forEach((x) => references(x, out));
  else if ('any' in c) c.any.forEach((x) => references(x, out));
  else if ('not' in c) references(c.not, out);
  else if ('condition' in c) out.add(c.condition);
  return out;
}

/** A cycle among shared conditions, as a list of names (first repeated at the end), if any. */
export function findCycle(conditions: ReadonlyMap<string, Condition>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 2) return undefined;
    if (s === 1) return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 1);
    stack.push(name);
    const c = conditions.get(name);
    if (c) for (const r of references(c)) {
      const cycle = visit(r);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 2);
    return undefined;
  };
  for (const name of conditions.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
