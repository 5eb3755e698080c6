import { parseField, parseJsonPath, type Segment } from '../rules/field-path.js';
import type { Condition, RuleSource } from '../rules/model.js';
import { normalizeCondition } from '../rules/normalize.js';

/** The key of throttles and windows without `by`: one pod, or one node for host processes. */
export const DEFAULT_KEY = ['k8s.pod_uid', 'node'];

/** What Detection itself reads of every event, whatever the rules: its id, time, kind, and the alert key's fields. */
export const DETECTION_FIELDS: readonly (readonly Segment[])[] = [['id'], ['ts'], ['kind'], ['node'], ['k8s']];

const dotted = (f: string): Segment[] => {
  const p = parseField(f);
  return p.ok ? p.segments : [f];
};

function conditionFields(c: Condition, out: Segment[][]): void {
  if ('all' in c) for (const x of c.all) conditionFields(x, out);
  else if ('any' in c) for (const x of c.any) conditionFields(x, out);
  else if ('not' in c) conditionFields(c.not, out);
  else if (!('condition' in c)) {
    for (const ref of [c, c.value]) {
      if (ref === null || typeof ref !== 'object' || Array.isArray(ref) || !('fact' in ref)) continue;
      const { fact, path } = ref as { fact: string; path?: string };
      const p = path === undefined ? undefined : parseJsonPath(path);
      out.push([fact, ...(p?.ok ? p.segments : [])]);
    }
  }
}

/**
 * Every event field the rules in force can read — condition facts and paths (fact-to-fact values
 * too), every shared condition, sequence steps, exception fields, throttle and window keys — plus
 * DETECTION_FIELDS. A path may end on a record, array or map: all of it is then read. Templates are
 * not here: they are rendered on the whole event, which an alert carries.
 */
export function referencedFields(source: RuleSource): Segment[][] {
  const out: Segment[][] = DETECTION_FIELDS.map((p) => [...p]);
  for (const c of source.conditions.values()) conditionFields(normalizeCondition(c), out);
  for (const r of source.rules.values()) {
    if (r.enabled === false) continue;
    conditionFields(normalizeCondition(r.condition), out);
    for (const e of r.exceptions ?? []) for (const f of e.fields) out.push(dotted(f));
    if (r.throttle) for (const f of r.throttle.by ?? DEFAULT_KEY) out.push(dotted(f));
    if (r.stateful) for (const f of r.stateful.by ?? DEFAULT_KEY) out.push(dotted(f));
    if (r.stateful?.type === 'sequence') for (const s of r.stateful.steps) conditionFields(normalizeCondition(s.condition), out);
  }
  return out;
}
