import t, { type Test } from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceEngine } from '../src/engine/reference.js';
import { buildRuleSet } from '../src/rules/build.js';
import { formatIssue } from '../src/rules/issues.js';
import { readRuleFiles, readRuleTexts } from '../src/rules/load-files.js';
import type { RuleSet } from '../src/engine/rule-set.js';
import { prng, randomEvent, randomRuleFile } from './fixtures/generate.js';

/**
 * The compiled evaluator (closures, kind index, fast path reader) against json-rules-engine as
 * it comes (promises, jsonpath-plus), on the same rules and events: every verdict must agree.
 */
const SEED = Number(process.env.DIFF_SEED ?? 20251128);

async function compare(t: Test, set: RuleSet, events: ReturnType<typeof randomEvent>[]) {
  const ref = new ReferenceEngine(set.source);
  let verdicts = 0;
  let positives = 0;
  const mismatches: string[] = [];
  for (const e of events) {
    const fast = new Set(set.matching(e).map((r) => r.id));
    const slow = new Set(await ref.matching(e));
    verdicts += set.rules.length;
    positives += slow.size;
    for (const r of set.rules) {
      if (fast.has(r.id) !== slow.has(r.id) && mismatches.length < 10) {
        mismatches.push(`${r.id} on ${e.id} (seed ${SEED}): fast=${fast.has(r.id)} reference=${slow.has(r.id)}; rule ${JSON.stringify(r.doc.condition).slice(0, 300)}`);
      }
    }
  }
  t.same(mismatches, [], 'no verdict differs');
  return { verdicts, positives };
}

t.test(`generated rules and events (seed ${SEED}): compiled verdicts equal json-rules-engine's`, async (t) => {
  const r = prng(SEED);
  const file = randomRuleFile(r, 400);
  const { raw } = readRuleTexts([{ name: 'generated.json', text: JSON.stringify(file) }]);
  // Generated rules may be invalid (e.g. a list name on a number field); keep the valid ones.
  let built = buildRuleSet(raw);
  for (let i = 0; !built.ok && i < 50; i++) {
    for (const issue of built.issues) if (issue.item?.startsWith('rule:')) raw.rules.delete(issue.item.slice(5));
    if (built.issues.some((x) => !x.item?.startsWith('rule:'))) t.fail(built.issues.map(formatIssue).join('\n'));
    built = buildRuleSet(raw);
  }
  if (!built.ok) {
    t.fail('generated rules never built');
    return;
  }
  t.ok(built.set.rules.length >= 200, `${built.set.rules.length} valid generated rules`);
  const events = Array.from({ length: 1500 }, (_, i) => randomEvent(r, i));
  const { verdicts, positives } = await compare(t, built.set, events);
  t.ok(verdicts >= 300_000, `${verdicts} verdicts compared`);
  // A comparison where everything is false (or true) proves little; both must be common.
  t.ok(positives > verdicts * 0.05 && positives < verdicts * 0.95, `${positives} of ${verdicts} verdicts are matches`);
});

t.test('the default rule set: compiled verdicts equal json-rules-engine\'s on generated events', async (t) => {
  const dir = fileURLToPath(new URL('../../../rules/', import.meta.url));
  const { raw } = readRuleFiles(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)));
  const built = buildRuleSet(raw);
  if (!built.ok) {
    t.fail('default rules do not build');
    return;
  }
  const r = prng(SEED + 1);
  const events = Array.from({ length: 3000 }, (_, i) => randomEvent(r, i));
  const { positives } = await compare(t, built.set, events);
  t.ok(positives > 100, `${positives} matches`);
});
