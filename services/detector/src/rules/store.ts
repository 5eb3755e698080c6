import { errorMessage } from '@tracehound/errors';
import type { RuleSet } from '../engine/rule-set.js';
import { buildRuleSet } from './build.js';
import { formatIssue, type Issue } from './issues.js';
import { cloneRaw, emptyRaw, type RawSource } from './source.js';

/**
 * Records of the rules topic: key `<rule id>` for a rule, `list:<name>` for a list,
 * `condition:<name>` for a shared condition; the value is the JSON document, a tombstone
 * deletes. Rule ids cannot contain ':', so the three never collide.
 */
export type ItemKind = 'rules' | 'lists' | 'conditions';

export function parseKey(key: string): { kind: ItemKind; name: string } {
  if (key.startsWith('list:')) return { kind: 'lists', name: key.slice(5) };
  if (key.startsWith('condition:')) return { kind: 'conditions', name: key.slice(10) };
  return { kind: 'rules', name: key };
}

export function keyOf(kind: ItemKind, name: string): string {
  return kind === 'rules' ? name : `${kind === 'lists' ? 'list' : 'condition'}:${name}`;
}

/** The rules-topic records of a raw source, lists and shared conditions before the rules that use them. */
export function recordsOf(raw: RawSource): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (const kind of ['lists', 'conditions', 'rules'] as const) {
    for (const [name, l] of raw[kind]) {
      const value = kind === 'rules' ? Object.fromEntries(Object.entries(l.value as object).filter(([k]) => k !== 'examples')) : l.value;
      out.push({ key: keyOf(kind, name), value: JSON.stringify(value) });
    }
  }
  return out;
}

/** A change the store refused: what the API shows as the rule's error. */
export interface RuleError {
  key: string;
  reason: string;
  issues: Issue[];
  /** Where the refused record was, e.g. `tracehound.rules/0@42`. */
  at: string;
}

export type ApplyResult = { ok: true; set: RuleSet } | { ok: false; error: RuleError };

/**
 * The rules in force, changed one topic record at a time. A change that would make the set
 * invalid (bad document, unknown list, cycle, a list still in use deleted…) is refused with
 * every reason, and the running set stays as it was. Refused records are retried after each
 * accepted change, so a rule that arrived before the list it needs is taken once the list is.
 */
export class RuleStore {
  private raw: RawSource = emptyRaw();
  private current: RuleSet;
  private readonly refused = new Map<string, { value: string | null; at: string; error: RuleError }>();

  constructor() {
    const b = buildRuleSet(this.raw);
    if (!b.ok) throw new Error('an empty rule set does not build');
    this.current = b.set;
  }

  get set(): RuleSet {
    return this.current;
  }

  errors(): RuleError[] {
    return [...this.refused.values()].map((r) => r.error);
  }

  apply(key: string, value: string | null, at: string): ApplyResult {
    const r = this.tryApply(key, value, at);
    if (!r.ok) {
      this.refused.set(key, { value, at, error: r.error });
      return r;
    }
    this.refused.delete(key);
    // Retry what was refused earlier; stop when a pass accepts nothing.
    for (let progress = true; progress && this.refused.size;) {
      progress = false;
      for (const [k, p] of [...this.refused]) {
        if (this.tryApply(k, p.value, p.at).ok) {
          this.refused.delete(k);
          progress = true;
        }
      }
    }
    return { ok: true, set: this.current };
  }

  private tryApply(key: string, value: string | null, at: string): ApplyResult {
    const { kind, name } = parseKey(key);
    const refuse = (issues: Issue[]): ApplyResult => ({ ok: false, error: { key, at, issues, reason: issues.map(formatIssue).join('\n') } });
    const next = cloneRaw(this.raw);
    if (value === null) {
      next[kind].delete(name);
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(value);
      } catch (err) {
        return refuse([{ pointer: [], source: at, item: key, message: `not valid JSON: ${errorMessage(err)}` }]);
      }
      next[kind].set(name, { value: doc, source: at, pointer: [] });
    }
    const b = buildRuleSet(next);
    if (!b.ok) return refuse(b.issues);
    this.raw = next;
    this.current = b.set;
    return { ok: true, set: b.set };
  }
}
