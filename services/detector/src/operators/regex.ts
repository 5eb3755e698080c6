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

const compiled = new Map<string, RE2>();

function compile(pattern: string): RE2 {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RE2(pattern, 'u');
    compiled.set(pattern, re);
  }
  return re;
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
    const res = asStrings(v, ctx).map(compile);
    return (f) => {
      if (typeof f !== 'string') return false;
      const s = f.length > MAX_INPUT ? f.slice(0, MAX_INPUT) : f;
      return res.some((re) => re.test(s));
    };
  },
};
