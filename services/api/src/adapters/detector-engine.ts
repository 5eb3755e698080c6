import { RuleStore, buildRuleSet } from '@tracehound/detector';
import { TracehoundError } from '@tracehound/errors';
import type { Event } from '@tracehound/schemas';
import type { CompiledForBacktest, RuleEngine, RuleIssue } from '../rules/engine.js';

type Raw = Parameters<typeof buildRuleSet>[0];

/**
 * The detector's own rule code behind the API's RuleEngine: a RuleStore fed with the rules
 * topic (as every detector is), and buildRuleSet for checking or compiling a candidate rule
 * against the lists and shared conditions in force — the same validation, the same evaluation.
 */
export class DetectorRuleEngine implements RuleEngine {
  private readonly store = new RuleStore();

  applyRecord(key: string, value: string | null): void {
    this.store.apply(key, value, 'api-mirror');
  }

  rules(): Map<string, Record<string, unknown>> {
    return this.store.set.source.rules as unknown as Map<string, Record<string, unknown>>;
  }

  /** The source in force plus (or with) the candidate rule, as the detector's checker reads it. */
  private withCandidate(doc: unknown): { raw: Raw; id: string } {
    const src = this.store.set.source;
    const located = (value: unknown) => ({ value, source: 'in force', pointer: [] as Array<string | number> });
    const id = String((doc as { id?: unknown } | null)?.id ?? '');
    const raw: Raw = {
      lists: new Map([...src.lists].map(([k, v]) => [k, located(v)])),
      conditions: new Map([...src.conditions].map(([k, v]) => [k, located(v)])),
      rules: new Map([...src.rules].filter(([k]) => k !== id).map(([k, v]) => [k, located(v)])),
    };
    raw.rules.set(id, { value: doc, source: 'request', pointer: [] });
    return { raw, id };
  }

  validate(doc: unknown): RuleIssue[] {
    const { raw } = this.withCandidate(doc);
    const built = buildRuleSet(raw);
    if (built.ok) return [];
    // Only the candidate's own problems: the rest of the set is in force, hence valid.
    const mine = built.issues.filter((i) => i.source === 'request' || i.source === undefined);
    return (mine.length ? mine : built.issues).map((i) => ({ pointer: i.pointer, message: i.message }));
  }

  compile(doc: unknown): CompiledForBacktest {
    const { raw, id } = this.withCandidate({ ...(doc as object), enabled: true });
    const built = buildRuleSet(raw);
    const rule = built.ok ? built.set.get(id) : undefined;
    if (!rule) throw new TracehoundError('TH_ERR_RULE_INVALID', `rule ${id} does not compile`);
    return {
      kinds: rule.kinds,
      // Stateless: the condition and the exceptions; throttles and stateful windows are not replayed.
      matches: (e: Event) => {
        try {
          return rule.predicate(e as unknown as Record<string, unknown>) && rule.exception(e) === undefined;
        } catch {
          return false; // as in the detector: a rule that throws on an event does not match it
        }
      },
    };
  }
}
