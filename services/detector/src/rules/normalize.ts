import { isLeaf, type Condition, type LeafCondition } from './model.js';
import { parseField, toJsonPath } from './field-path.js';

/**
 * The one form both evaluators see: a dotted fact (`process.exe`) becomes fact `process` with
 * path `$.exe`, and a root that is a leaf or a reference is wrapped in `all` (json-rules-engine
 * wants a boolean operator at the root). Input is validated first; shapes here are trusted.
 */
function leaf(c: LeafCondition): LeafCondition {
  const out: LeafCondition = { fact: c.fact, operator: c.operator, value: c.value };
  if (c.path !== undefined) out.path = c.path;
  if (c.path === undefined && /[.[]/.test(c.fact)) {
    const p = parseField(c.fact);
    if (p.ok && p.segments.length > 1) {
      out.fact = p.segments[0] as string;
      out.path = toJsonPath(p.segments.slice(1));
    }
  }
  const v = c.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'fact' in v) out.value = leafRef(v as { fact: string; path?: string });
  return out;
}

function leafRef(v: { fact: string; path?: string }): { fact: string; path?: string } {
  const l = leaf({ fact: v.fact, operator: 'equal', value: null, ...(v.path === undefined ? {} : { path: v.path }) });
  return l.path === undefined ? { fact: l.fact } : { fact: l.fact, path: l.path };
}

export function normalizeCondition(c: Condition): Condition {
  if ('all' in c) return { all: c.all.map(normalizeCondition) };
  if ('any' in c) return { any: c.any.map(normalizeCondition) };
  if ('not' in c) return { not: normalizeCondition(c.not) };
  if ('condition' in c) return { condition: c.condition };
  return leaf(c);
}

export function normalizeRoot(c: Condition): Condition {
  const n = normalizeCondition(c);
  return isLeaf(n) ? { all: [n] } : n;
}
