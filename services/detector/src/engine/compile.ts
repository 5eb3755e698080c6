import { FACT_COMPARISONS } from '../operators/builtin.js';
import { OPERATORS, type Matcher, type OperatorContext } from '../operators/index.js';
import { parseJsonPath, readPath, type Segment } from '../rules/field-path.js';
import type { Condition, LeafCondition } from '../rules/model.js';

/** A compiled condition: one event in, a verdict out, synchronously. */
export type Predicate = (event: Record<string, unknown>) => boolean;

export interface CompileEnv {
  ctx: OperatorContext;
  /** Shared conditions, normalized. */
  conditions: ReadonlyMap<string, Condition>;
  /** Shared conditions compiled so far; each is compiled once and reused by every rule. */
  compiled: Map<string, Predicate>;
}

/**
 * Compiles a normalized, validated condition into nested closures that evaluate exactly as
 * json-rules-engine does (same operators, same fact validators, same path reading) but without
 * promises, cloning or JSON path parsing per event. test/differential.test.ts proves the two equal.
 */
export function compileCondition(c: Condition, env: CompileEnv): Predicate {
  if ('all' in c) return allOf(c.all.map((x) => compileCondition(x, env)));
  if ('any' in c) return anyOf(c.any.map((x) => compileCondition(x, env)));
  if ('not' in c) {
    const p = compileCondition(c.not, env);
    return (e) => !p(e);
  }
  if ('condition' in c) return sharedCondition(c.condition, env);
  return compileLeaf(c, env.ctx);
}

function sharedCondition(name: string, env: CompileEnv): Predicate {
  const done = env.compiled.get(name);
  if (done) return done;
  // Cycles are refused by validation, so this recursion ends.
  const p = compileCondition(env.conditions.get(name)!, env);
  env.compiled.set(name, p);
  return p;
}

function allOf(ps: Predicate[]): Predicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (let i = 0; i < ps.length; i++) if (!ps[i]!(e)) return false;
    return true;
  };
}

function anyOf(ps: Predicate[]): Predicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (e) => a(e) || b(e);
  }
  return (e) => {
    for (let i = 0; i < ps.length; i++) if (ps[i]!(e)) return true;
    return false;
  };
}

type Getter = (e: Record<string, unknown>) => unknown;

export function getter(fact: string, path: string | undefined): Getter {
  const segments: Segment[] = path === undefined ? [] : (parseJsonPath(path) as { segments: Segment[] }).segments;
  if (segments.length === 0) return (e) => {
    const v = e[fact];
    return typeof v === 'bigint' ? Number(v) : v;
  };
  if (segments.length === 1) {
    const s = segments[0]!;
    return (e) => {
      const f = e[fact];
      if (f === null || typeof f !== 'object') return typeof f === 'bigint' ? Number(f) : f;
      if (!Object.hasOwn(f, s)) return undefined;
      const v = (f as Record<string | number, unknown>)[s];
      return typeof v === 'bigint' ? Number(v) : v;
    };
  }
  return (e) => readPath(e[fact], segments);
}

type Evaluate = (factValue: unknown, value: unknown) => boolean;

/** A fact-to-fact comparison: `someFact`/`everyFact`/`not` around a raw comparison (validation allows no more). */
function evaluateChain(names: string[]): Evaluate {
  const [head, ...rest] = names;
  if (rest.length === 0) {
    const { valid, compare } = FACT_COMPARISONS.get(head!)!;
    return valid ? (f, v) => valid(f) && compare(f, v) : compare;
  }
  const next = evaluateChain(rest);
  switch (head) {
    case 'someFact': return (f, v) => Array.isArray(f) && f.some((x) => next(x, v));
    case 'everyFact': return (f, v) => Array.isArray(f) && f.every((x) => next(x, v));
    default: return (f, v) => !next(f, v); // not
  }
}

/** The operator bound to a constant value, prepared once (globs, regexes, CIDR sets, lists). */
function matcherChain(names: string[], value: unknown, ctx: OperatorContext): Matcher {
  const [head, ...rest] = names;
  if (rest.length === 0) {
    const op = OPERATORS.get(head!)!;
    const m = op.prepare(value, ctx);
    const valid = op.factValidator;
    return valid ? (f) => valid(f) && m(f) : m;
  }
  switch (head) {
    case 'someFact': {
      const next = matcherChain(rest, value, ctx);
      return (f) => Array.isArray(f) && f.some(next);
    }
    case 'everyFact': {
      const next = matcherChain(rest, value, ctx);
      return (f) => Array.isArray(f) && f.every(next);
    }
    case 'someValue': {
      const ms = (value as unknown[]).map((v) => matcherChain(rest, v, ctx));
      return (f) => ms.some((m) => m(f));
    }
    case 'everyValue': {
      const ms = (value as unknown[]).map((v) => matcherChain(rest, v, ctx));
      return (f) => ms.every((m) => m(f));
    }
    default: {
      const next = matcherChain(rest, value, ctx);
      return (f) => !next(f);
    }
  }
}

function compileLeaf(c: LeafCondition, ctx: OperatorContext): Predicate {
  const get = getter(c.fact, c.path);
  const names = c.operator.split(':');
  const v = c.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v) {
    const ref = v as { fact: string; path?: string };
    const rhs = getter(ref.fact, ref.path);
    const ev = evaluateChain(names);
    return (e) => ev(get(e), rhs(e));
  }
  const m = matcherChain(names, v, ctx);
  return (e) => m(get(e));
}
