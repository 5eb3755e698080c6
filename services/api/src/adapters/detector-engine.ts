import { Detection, RuleSet, RuleStore, buildRuleSet } from '@tracehound/detector';
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

  /** `maxKeys`: stateful and throttle keys a backtest keeps per rule, as TRACEHOUND_DETECTOR_MAX_KEYS does in a detector. */
  constructor(private readonly maxKeys = 100_000) {}

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
    if (!built.ok || !rule) throw new TracehoundError('TH_ERR_RULE_INVALID', `rule ${id} does not compile`);
    // The candidate alone, with the lists and shared conditions in force, run by the detector's
    // own Detection: throttles, threshold and sequence windows and exceptions as a detector
    // applies them. One partition: keys (pod uid by default) keep a pod in one partition live too.
    const detection = new Detection({ maxKeys: this.maxKeys });
    detection.setRules(new RuleSet({ ...built.set.source, rules: new Map([[id, built.set.source.rules.get(id)!]]) }));
    let offset = 0n;
    return {
      kinds: rule.kinds,
      matches: (e: Event) => {
        const alerts = detection.process(e, 0, offset++);
        // As the detector does after each batch: windows that closed are expired (bounded memory).
        if (offset % 1_000n === 0n) detection.holdback(0);
        return alerts.length > 0;
      },
    };
  }
}
