import { errorMessage } from '@tracehound/errors';
import { RuleSet } from '../engine/rule-set.js';
import type { Issue } from './issues.js';
import { checkSource, toSource, type RawSource } from './source.js';

export type BuildResult = { ok: true; set: RuleSet } | { ok: false; issues: Issue[] };

/** Checks a whole source and compiles it; any problem refuses it whole, naming every cause. */
export function buildRuleSet(raw: RawSource): BuildResult {
  const issues = checkSource(raw);
  if (issues.length) return { ok: false, issues };
  try {
    return { ok: true, set: new RuleSet(toSource(raw)) };
  } catch (err) {
    // A check that let something through that does not compile is a bug; refuse rather than crash.
    return { ok: false, issues: [{ pointer: [], message: `could not compile: ${errorMessage(err)}` }] };
  }
}
