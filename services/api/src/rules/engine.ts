import type { Event } from '@tracehound/schemas';

/** A problem with a rule, where it is (JSON pointer into the document) and what is wrong. */
export interface RuleIssue {
  pointer: Array<string | number>;
  message: string;
}

/**
 * A rule compiled for one backtest run: the kinds it can match (undefined: any) and `matches`,
 * which says whether an event raises an alert as a detector would — condition, exceptions,
 * throttle and threshold/sequence windows. Stateful: feed one run's events in time order.
 */
export interface CompiledForBacktest {
  kinds: ReadonlySet<string> | undefined;
  matches(e: Event): boolean;
}

/**
 * What the API needs from the detector's rule engine, so that the API validates and evaluates
 * rules exactly as the detector does. The implementation (adapters/detector-engine.ts) mirrors
 * the rules topic (lists and shared conditions a rule may use) and calls the detector's code.
 */
export interface RuleEngine {
  /** Applies a rules-topic record (key, JSON or null for a tombstone) to the mirror. */
  applyRecord(key: string, value: string | null): void;
  /** The rules in force, as documents. */
  rules(): Map<string, Record<string, unknown>>;
  /** Problems of a rule against the lists and shared conditions in force; empty when valid. */
  validate(doc: unknown): RuleIssue[];
  /** A valid rule compiled for evaluation; throws TH_ERR_RULE_INVALID otherwise. */
  compile(doc: unknown): CompiledForBacktest;
}
