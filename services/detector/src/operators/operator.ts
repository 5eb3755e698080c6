import type { ListValue } from '../rules/model.js';

export interface OperatorContext {
  lists: ReadonlyMap<string, readonly ListValue[]>;
}

export type Matcher = (factValue: unknown) => boolean;

/**
 * One operator of the condition language. `prepare` runs once per condition at load time
 * (compiling a glob, a regex, a CIDR set…); `check` refuses an unusable value with a reason
 * before anything runs. json-rules-engine gets the same operator through `evaluate`.
 */
export interface OperatorSpec {
  name: string;
  summary: string;
  /** json-rules-engine's factValueValidator: when false the condition is false. */
  factValidator?: (factValue: unknown) => boolean;
  check(value: unknown, ctx: OperatorContext): string | undefined;
  prepare(value: unknown, ctx: OperatorContext): Matcher;
}

/** The operator as a (fact, value) function, preparing each distinct value once. */
export function evaluator(op: OperatorSpec, ctx: OperatorContext): (factValue: unknown, value: unknown) => boolean {
  const cache = new Map<string, Matcher>();
  const valid = op.factValidator ?? (() => true);
  return (factValue, value) => {
    const key = typeof value === 'string' ? value : JSON.stringify(value);
    let m = cache.get(key);
    if (!m) {
      if (op.check(value, ctx) !== undefined) return false;
      if (cache.size > 10_000) cache.clear();
      m = op.prepare(value, ctx);
      cache.set(key, m);
    }
    return valid(factValue) && m(factValue);
  };
}

const listRef = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { list?: unknown }).list === 'string' ? (v as { list: string }).list : undefined;

/**
 * A string, a non-empty array of strings, or `{"list": "name"}` naming a list of strings;
 * each string checked by `each`.
 */
export function stringOrStrings(value: unknown, ctx: OperatorContext, each: (s: string) => string | undefined = () => undefined): string | undefined {
  const name = listRef(value);
  if (name !== undefined && !ctx.lists.has(name)) return `list "${name}" is not defined (known: ${[...ctx.lists.keys()].join(', ') || 'none'})`;
  const all = name !== undefined ? (ctx.lists.get(name) as unknown[]) : Array.isArray(value) ? value : [value];
  if (all.length === 0) return 'expects a string or a non-empty array of strings, got []';
  if (all.length > 10_000) return `expects at most 10000 strings, got ${all.length}`;
  for (const s of all) {
    if (typeof s !== 'string') return `expects a string or an array of strings, got ${JSON.stringify(s)}`;
    const reason = each(s);
    if (reason) return reason;
  }
  return undefined;
}

export function asStrings(value: unknown, ctx: OperatorContext): string[] {
  const name = listRef(value);
  if (name !== undefined) return ctx.lists.get(name) as string[];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}
