import type { Alert, Event } from '@tracehound/schemas';
import { counter } from '@tracehound/metrics';
import { alertId, buildAlert } from '../engine/alert.js';
import type { CompiledRule, CompiledSequence, CompiledThreshold, RuleSet } from '../engine/rule-set.js';
import { KeyedState } from '../stateful/keyed-state.js';
import { advance, expireSequence, newSequence, type SequenceState } from '../stateful/sequence.js';
import { countHit, expireThreshold, newThreshold, type ThresholdState } from '../stateful/threshold.js';

const matched = counter({ name: 'tracehound_detector_matches_total', help: 'Rule matches, by outcome (alert, exception, throttled)', labelNames: ['rule', 'outcome'] });
const evalErrors = counter({ name: 'tracehound_detector_eval_errors_total', help: 'Rule evaluations that threw; the rule counts as not matching', labelNames: ['rule'] });

export interface DetectionOptions {
  maxKeys: number;
  /** ns since the epoch, for Alert.ts. */
  now?: () => bigint;
}

type RuleState = KeyedState<ThresholdState> | KeyedState<SequenceState> | KeyedState<{ bucket: bigint }>;

/** Everything one partition remembers: per rule (id@version), per key. */
class PartitionState {
  watermark = 0n;
  readonly rules = new Map<string, RuleState>();
}

const stateKey = (r: CompiledRule) => `${r.id}@${r.version}`;

/** Where the whole of an event read in part comes from (adapters/event-decoder.ts ReadEvent). */
export interface EventSource {
  full(): Event;
}

const wholeOf = (event: Event, source: EventSource | undefined): Event => (source ? source.full() : event);

/**
 * The detector's logic, free of Kafka: events in (with their partition and offset), alerts out.
 * Stateful rules and throttles keep state per partition (keys keep a pod in one partition), so
 * a partition's state can be dropped on revocation and rebuilt by another instance. `holdback`
 * tells the consumer which offset it may commit: the oldest event any live window still needs,
 * so that a restart replays exactly what rebuilds the state (see docs/rules.md, "Restarts").
 */
export class Detection {
  private rules: RuleSet | undefined;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly now: () => bigint;

  constructor(private readonly o: DetectionOptions) {
    this.now = o.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  get ruleSet(): RuleSet | undefined {
    return this.rules;
  }

  /** Swaps the rule set; state of rules that are gone or changed version is dropped. */
  setRules(set: RuleSet): void {
    this.rules = set;
    const live = new Set(set.rules.map(stateKey));
    for (const p of this.partitions.values()) for (const k of p.rules.keys()) if (!live.has(k)) p.rules.delete(k);
  }

  dropPartition(partition: number): void {
    this.partitions.delete(partition);
  }

  private partition(n: number): PartitionState {
    let p = this.partitions.get(n);
    if (!p) this.partitions.set(n, (p = new PartitionState()));
    return p;
  }

  private state<S>(p: PartitionState, r: CompiledRule): KeyedState<S> {
    const k = stateKey(r);
    let s = p.rules.get(k) as KeyedState<S> | undefined;
    if (!s) p.rules.set(k, (s = new KeyedState<S>(r.id, this.o.maxKeys)) as RuleState);
    return s;
  }

  /**
   * Evaluates one event. `source.full()` gives the whole event for an alert when `event` holds only
   * the fields the rules read (RuleSet.fields); without it `event` is taken as whole.
   */
  process(event: Event, partition = 0, offset = 0n, source?: EventSource): Alert[] {
    const set = this.rules;
    if (!set) return [];
    const p = this.partition(partition);
    if (event.ts > p.watermark) p.watermark = event.ts;
    const e = event as unknown as Record<string, unknown>;
    const out: Alert[] = [];
    for (const r of set.candidates(event.kind)) {
      try {
        if (!r.predicate(e)) continue;
        const exc = r.exception(event);
        if (exc !== undefined) {
          matched.inc({ rule: r.id, outcome: 'exception' });
          continue;
        }
        const a = r.stateful?.type === 'threshold' ? this.threshold(p, r, r.stateful, event, offset, source)
          : r.stateful?.type === 'sequence' ? this.sequence(p, r, r.stateful, event, offset, source)
            : this.stateless(p, r, event, source);
        if (a) out.push(a);
      } catch {
        evalErrors.inc({ rule: r.id });
      }
    }
    return out;
  }

  private stateless(p: PartitionState, r: CompiledRule, event: Event, source: EventSource | undefined): Alert | undefined {
    if (!r.throttle) {
      matched.inc({ rule: r.id, outcome: 'alert' });
      return buildAlert(r, wholeOf(event, source), { id: alertId(r, event.id), now: this.now() });
    }
    // One alert per key and throttle window bucket; the id names the bucket, so a replay that
    // picks another first event of the bucket still gives the same id.
    const key = r.throttle.key(event);
    const bucket = event.ts / r.throttle.windowNs;
    const s = this.state<{ bucket: bigint }>(p, r).touch(key, () => ({ bucket: -1n }));
    if (s.bucket === bucket) {
      matched.inc({ rule: r.id, outcome: 'throttled' });
      return undefined;
    }
    s.bucket = bucket;
    matched.inc({ rule: r.id, outcome: 'alert' });
    return buildAlert(r, wholeOf(event, source), { id: alertId(r, 'throttle', key, String(bucket)), now: this.now() });
  }

  private threshold(p: PartitionState, r: CompiledRule, spec: CompiledThreshold, event: Event, offset: bigint, source: EventSource | undefined): Alert | undefined {
    const key = spec.key(event);
    const fire = countHit(spec, this.state<ThresholdState>(p, r).touch(key, newThreshold), key, event, offset);
    if (!fire) return undefined;
    matched.inc({ rule: r.id, outcome: 'alert' });
    return buildAlert(r, wholeOf(event, source), { id: alertId(r, fire.idPart), stateful: fire.match, now: this.now() });
  }

  private sequence(p: PartitionState, r: CompiledRule, spec: CompiledSequence, event: Event, offset: bigint, source: EventSource | undefined): Alert | undefined {
    const e = event as unknown as Record<string, unknown>;
    const steps: number[] = [];
    for (let i = 0; i < spec.steps.length; i++) if (spec.steps[i]!(e)) steps.push(i);
    if (steps.length === 0) return undefined;
    const key = spec.key(event);
    const fire = advance(spec, this.state<SequenceState>(p, r).touch(key, () => newSequence(spec.steps.length)), key, event, offset, steps);
    if (!fire) return undefined;
    matched.inc({ rule: r.id, outcome: 'alert' });
    return buildAlert(r, wholeOf(event, source), { id: alertId(r, fire.idPart), stateful: fire.match, now: this.now() });
  }

  /**
   * Expires windows that closed and returns the oldest offset of the partition that live state
   * still needs, or undefined when none: the consumer commits no further than it.
   */
  holdback(partition: number): bigint | undefined {
    const p = this.partitions.get(partition);
    const set = this.rules;
    if (!p || !set) return undefined;
    let min: bigint | undefined;
    for (const r of set.rules) {
      const st = p.rules.get(stateKey(r));
      if (!st) continue;
      if (!r.stateful) {
        // Throttle buckets before the current one suppress nothing any more.
        const current = r.throttle ? p.watermark / r.throttle.windowNs : 0n;
        for (const [key, s] of st.entries()) if ((s as { bucket: bigint }).bucket < current) st.delete(key);
        continue;
      }
      for (const [key, s] of st.entries()) {
        const o = r.stateful.type === 'threshold'
          ? expireThreshold(r.stateful, s as ThresholdState, p.watermark)
          : expireSequence(r.stateful, s as SequenceState, p.watermark);
        if (o === undefined) st.delete(key);
        else if (min === undefined || o < min) min = o;
      }
    }
    return min;
  }

  /** Keys held, by rule id: what the memory benchmark and /healthz report. */
  stateSizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.partitions.values()) for (const [k, s] of p.rules) out[k] = (out[k] ?? 0) + s.size;
    return out;
  }
}
