import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_KIND_SYMBOLS, sampleEnrichedEvent, type Event, type EventKind } from '@tracehound/schemas';
import { readBothWays } from '../../../packages/kafka/test/fixtures/projection.js';
import { DETECTION_FIELDS, referencedFields } from '../src/engine/fields.js';
import type { RuleSet } from '../src/engine/rule-set.js';
import { Detection } from '../src/handlers/detection.js';
import { buildRuleSet } from '../src/rules/build.js';
import { exampleEvents } from '../src/rules/examples.js';
import { fieldReader } from '../src/rules/field-path.js';
import { readRuleFiles, readRuleTexts } from '../src/rules/load-files.js';
import { prng, randomEvent, randomRuleFile } from './fixtures/generate.js';

/**
 * Events read for the fields the rules read (projectType through a resolver) must give exactly
 * the verdicts and alerts of events read whole; fields no rule reads must not be read at all.
 */
const SEED = Number(process.env.DIFF_SEED ?? 20261130);

const dir = fileURLToPath(new URL('../../../rules/', import.meta.url));
const defaults = buildRuleSet(readRuleFiles(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f))).raw);
if (!defaults.ok) throw new Error('the default rules do not build');

t.test('every field a path reads has the same value in the part read as in the whole', async (t) => {
  const paths = referencedFields(defaults.set.source);
  const read = readBothWays(paths);
  const readers = paths.map((p) => ({ name: p.join('.'), get: fieldReader(p) }));
  const r = prng(SEED);
  const events = [...EVENT_KIND_SYMBOLS.map((k) => sampleEnrichedEvent(k as EventKind)), ...Array.from({ length: 2000 }, (_, i) => randomEvent(r, i))];
  const differ: string[] = [];
  let smaller = 0;
  for (const e of events) {
    const { whole, part } = read(e);
    for (const { name, get } of readers) if (JSON.stringify(get(part), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(get(whole), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) differ.push(`${e.id}: ${name}`);
    if (part.process && JSON.stringify(part.process, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).length < JSON.stringify(whole.process, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).length) smaller++;
  }
  t.same(differ.slice(0, 10), [], 'no referenced field differs');
  t.ok(smaller > events.length / 2, `${smaller} of ${events.length} events' process read in part (the default rules read no ancestor args, cwd, …)`);
  t.ok(paths.length > DETECTION_FIELDS.length + 20, `${paths.length} paths referenced by the default rules`);
});

/** Alerts of `events` under `set`: read whole, and read for `set.fields` with the whole event given for alerts. */
function bothWays(set: RuleSet, events: Event[], partitions = 3): { whole: unknown[]; part: unknown[] } {
  const read = readBothWays(set.fields);
  const now = () => 1_700_000_000_000_000_000n;
  const a = new Detection({ maxKeys: 10_000, now });
  const b = new Detection({ maxKeys: 10_000, now });
  a.setRules(set);
  b.setRules(set);
  const whole: unknown[] = [];
  const part: unknown[] = [];
  events.forEach((e, i) => {
    const r = read(e);
    whole.push(...a.process(r.whole, i % partitions, BigInt(i)));
    part.push(...b.process(r.part, i % partitions, BigInt(i), { full: () => r.whole }));
  });
  return { whole, part };
}

t.test('the default rules: every example and generated event gives the same alerts read in part as read whole', async (t) => {
  const set = defaults.set;
  const events: Event[] = [];
  for (const rule of set.rules) for (const ex of [...(rule.doc.examples?.positive ?? []), ...(rule.doc.examples?.negative ?? [])]) events.push(...exampleEvents(ex, rule.id));
  const r = prng(SEED + 1);
  for (let i = 0; i < 3000; i++) events.push(randomEvent(r, i));
  const { whole, part } = bothWays(set, events);
  t.ok(whole.length > 50, `${whole.length} alerts`);
  t.same(part, whole, 'same alerts, events whole in them');
});

t.test('generated rules (conditions, shared conditions, fact-to-fact values) give the same alerts read in part', async (t) => {
  const r = prng(SEED + 2);
  const { raw } = readRuleTexts([{ name: 'generated.json', text: JSON.stringify(randomRuleFile(r, 300)) }]);
  let built = buildRuleSet(raw);
  for (let i = 0; !built.ok && i < 50; i++) {
    for (const issue of built.issues) if (issue.item?.startsWith('rule:')) raw.rules.delete(issue.item.slice(5));
    built = buildRuleSet(raw);
  }
  if (!built.ok) {
    t.fail('generated rules never built');
    return;
  }
  const { whole, part } = bothWays(built.set, Array.from({ length: 1500 }, (_, i) => randomEvent(r, i)));
  t.ok(whole.length > 500, `${whole.length} alerts from ${built.set.rules.length} rules`);
  t.same(part, whole);
});

t.test('fields read only by exceptions, throttle keys, window keys and sequence steps are read too', async (t) => {
  const exec = { fact: 'kind', operator: 'equal', value: 'process_exec' };
  const file = {
    rules: [
      // Silenced for one working directory: only the exception reads process.cwd.
      { id: 'exec-except-cwd', name: 'e', description: 'd', severity: 'low', tags: ['sandbox'], condition: exec, output: 'x', exceptions: [{ name: 'cwd', fields: ['process.cwd'], values: [['/srv']] }], examples: {} },
      // One alert per uid: only the throttle reads process.uid.
      { id: 'exec-throttle-uid', name: 't', description: 'd', severity: 'low', tags: ['sandbox'], condition: exec, output: 'x', throttle: { by: ['process.uid'], window_ms: 60_000 }, exceptions: [], examples: {} },
      // Three execs of one binary: only the window key reads process.exe.
      { id: 'exec-threshold-exe', name: 'h', description: 'd', severity: 'low', tags: ['sandbox'], condition: exec, output: 'x', stateful: { type: 'threshold', by: ['process.exe'], count: 3, window_ms: 60_000 }, exceptions: [], examples: {} },
      // An exec, then an open of /etc/shadow: only the second step reads file.path.
      { id: 'exec-then-shadow', name: 's', description: 'd', severity: 'low', tags: ['sandbox'], condition: { fact: 'node', operator: 'equal', value: 'n1' }, output: 'x', stateful: { type: 'sequence', by: ['node'], within_ms: 60_000, steps: [{ name: 'exec', condition: exec }, { name: 'shadow', condition: { fact: 'file.path', operator: 'equal', value: '/etc/shadow' } }] }, exceptions: [], examples: {} },
    ],
  };
  const { raw } = readRuleTexts([{ name: 'keys.json', text: JSON.stringify(file) }]);
  const built = buildRuleSet(raw);
  if (!built.ok) {
    t.fail(JSON.stringify(built.issues));
    return;
  }
  const ev = (kind: EventKind, i: number, process: Partial<NonNullable<Event['process']>>, extra: Partial<Event> = {}): Event => {
    const e = sampleEnrichedEvent(kind, { id: `k${i}`, ts: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n, node: 'n1', ...extra });
    return { ...e, process: { ...e.process!, ...process } };
  };
  const events = [
    ev('process_exec', 0, { cwd: '/srv', uid: 1, exe: '/bin/a' }), ev('process_exec', 1, { cwd: '/tmp', uid: 1, exe: '/bin/a' }),
    ev('process_exec', 2, { cwd: '/tmp', uid: 2, exe: '/bin/b' }), ev('process_exec', 3, { cwd: '/tmp', uid: 2, exe: '/bin/a' }),
    ev('file_open', 4, {}, { file: { ...sampleEnrichedEvent('file_open').file!, path: '/etc/shadow' } }),
  ];
  const { whole, part } = bothWays(built.set, events, 1);
  const fired = (alerts: unknown[]) => (alerts as Array<{ rule: { id: string } }>).map((a) => a.rule.id).sort();
  t.same(fired(whole), ['exec-except-cwd', 'exec-except-cwd', 'exec-except-cwd', 'exec-then-shadow', 'exec-threshold-exe', 'exec-throttle-uid', 'exec-throttle-uid'], 'each rule fires as its key fields decide');
  t.same(part, whole, 'the same read in part');
});
