import { errorMessage } from '@tracehound/errors';
import type { RuleSet } from '../engine/rule-set.js';
import { Detection } from '../handlers/detection.js';
import { exampleEvents } from './examples.js';
import type { Example } from './model.js';

export interface ExampleResult {
  rule: string;
  expect: 'positive' | 'negative';
  index: number;
  ok: boolean;
  alerts: number;
  error?: string;
}

/** Runs every rule's examples through a fresh detector each: a positive must alert, a negative must not. */
export function checkExamples(set: RuleSet): ExampleResult[] {
  const out: ExampleResult[] = [];
  for (const rule of set.rules) {
    for (const expect of ['positive', 'negative'] as const) {
      const examples: Example[] = rule.doc.examples?.[expect] ?? [];
      examples.forEach((ex, index) => {
        try {
          const d = new Detection({ maxKeys: 1_000 });
          d.setRules(set);
          let alerts = 0;
          exampleEvents(ex, `${rule.id}-${expect}-${index}`).forEach((e, i) => {
            alerts += d.process(e, 0, BigInt(i)).filter((a) => a.rule.id === rule.id).length;
          });
          out.push({ rule: rule.id, expect, index, alerts, ok: expect === 'positive' ? alerts > 0 : alerts === 0 });
        } catch (err) {
          out.push({ rule: rule.id, expect, index, alerts: 0, ok: false, error: errorMessage(err) });
        }
      });
    }
  }
  return out;
}
