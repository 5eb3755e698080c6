import { RE2 } from 're2-wasm';
import safeRegex from 'safe-regex2';
import { errorMessage } from '@tracehound/errors';
import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

/**
 * Regular expressions run on RE2 (linear time, no backtracking; WebAssembly, no native build),
 * each compiled once. Patterns are also refused when safe-regex2 flags nested quantifiers, so
 * a rule file that would be catastrophic on a backtracking engine elsewhere is caught at lint.
 * Only the first MAX_INPUT characters of a fact are searched.
 */
export const MAX_PATTERN = 512;
export const MAX_INPUT = 16_384;

/** Verdicts remembered per pattern, for inputs of at most MEMO_INPUT characters; the memo starts over past MEMO_ENTRIES. */
export const MEMO_ENTRIES = 4_096;
export const MEMO_INPUT = 256;

/** A compiled pattern. Every test crosses into WebAssembly and copies the input there, so verdicts on short inputs are remembered: command lines, paths and names repeat. */
interface Pattern {
  re: RE2;
  memo: Map<string, boolean>;
}

const compiled = new Map<string, Pattern>();

function compile(pattern: string): Pattern {
  let p = compiled.get(pattern);
  if (!p) {
    p = { re: new RE2(pattern, 'u'), memo: new Map() };
    compiled.set(pattern, p);
  }
  return p;
}

/** Verdicts remembered for a pattern now (for tests). */
export const memoSize = (pattern: string): number => compiled.get(pattern)?.memo.size ?? 0;

function test(p: Pattern, s: string): boolean {
  if (s.length > MEMO_INPUT) return p.re.test(s.length > MAX_INPUT ? s.slice(0, MAX_INPUT) : s);
  let v = p.memo.get(s);
  if (v === undefined) {
    v = p.re.test(s);
    if (p.memo.size >= MEMO_ENTRIES) p.memo.clear();
    p.memo.set(s, v);
  }
  return v;
}

function checkPattern(p: string): string | undefined {
  if (p.length > MAX_PATTERN) return `regex is ${p.length} characters, more than ${MAX_PATTERN}`;
  try {
    compile(p);
  } catch (err) {
    return `regex /${p}/ is refused: ${errorMessage(err)} (RE2 syntax: no backreferences or lookaround)`;
  }
  // RE2's leading inline flags, e.g. (?i), are not JavaScript syntax; the rest is checked as is.
  if (!safeRegex(p.replace(/^\(\?[imsU]+\)/, ''))) return `regex /${p}/ is refused: nested quantifiers (star height > 1) can backtrack catastrophically`;
  return undefined;
}

export const regex: OperatorSpec = {
  name: 'regex',
  summary: `the fact string matches the RE2 regular expression (or any of an array); the first ${MAX_INPUT} characters are searched`,
  check: (v, ctx) => stringOrStrings(v, ctx, checkPattern),
  prepare: (v, ctx) => {
    const ps = asStrings(v, ctx).map(compile);
    return (f) => {
      if (typeof f !== 'string') return false;
      for (let i = 0; i < ps.length; i++) if (test(ps[i]!, f)) return true;
      return false;
    };
  },
};
