import t from 'tap';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { RuleStore } from '../src/rules/store.js';

const rule = (over: Record<string, unknown> = {}) => JSON.stringify({
  id: 'shell', name: 'Shell', description: 'a shell', severity: 'high', tags: ['stable', 'T1059.004'], output: 'shell {process.exe}',
  condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }, { fact: 'process.comm', operator: 'inList', value: 'shells' }] },
  ...over,
});
const exec = sampleEnrichedEvent('process_exec'); // comm bash
const fires = (s: RuleStore, id = 'shell') => s.set.matching(exec).some((r) => r.id === id);

t.test('a rule is added, changed, disabled and deleted record by record', async (t) => {
  const s = new RuleStore();
  t.ok(s.apply('list:shells', '["bash","sh"]', 'r@0').ok);
  t.ok(s.apply('shell', rule(), 'r@1').ok);
  t.ok(fires(s));
  t.ok(s.apply('shell', rule({ version: 2, condition: { fact: 'process.comm', operator: 'equal', value: 'zsh' } }), 'r@2').ok);
  t.notOk(fires(s), 'the changed condition no longer matches bash');
  t.equal(s.set.get('shell')?.version, 2);
  t.ok(s.apply('shell', rule({ enabled: false }), 'r@3').ok);
  t.equal(s.set.rules.length, 0, 'a disabled rule is not evaluated');
  t.ok(s.apply('shell', rule(), 'r@4').ok);
  t.ok(fires(s));
  t.ok(s.apply('shell', null, 'r@5').ok);
  t.notOk(fires(s), 'a tombstone deletes');
});

t.test('an invalid change is refused with its reason and the old rule keeps firing', async (t) => {
  const s = new RuleStore();
  s.apply('list:shells', '["bash"]', 'r@0');
  s.apply('shell', rule(), 'r@1');
  const cases: Array<[string, string | null, RegExp]> = [
    ['shell', rule({ condition: { fact: 'process.comm', operator: 'startsWth', value: 'b' } }), /condition\.operator: unknown operator "startsWth"/],
    ['shell', rule({ condition: { fact: 'process.comn', operator: 'equal', value: 'b' } }), /condition\.fact: unknown fact: process has no field "comn"/],
    ['shell', rule({ condition: { all: [{ fact: 'kind', operator: 'equal', value: 'proces_exec' }] } }), /condition\.all\[0\]\.value: "proces_exec" is not a possible value/],
    ['shell', rule({ condition: { fact: 'process.exe', operator: 'regex', value: '^(a+)+$' } }), /condition\.value: .*nested quantifiers/],
    ['shell', rule({ condition: { fact: 'process.exe', operator: 'regex', value: '(a)\\1' } }), /condition\.value: .*RE2 syntax/],
    ['shell', rule({ output: 'shell {process.nope}' }), /output: \{process\.nope\} names no event field/],
    ['shell', rule({ severity: 'urgent' }), /severity: "severity" must be one of info, low, medium, high, critical/],
    ['shell', rule({ tags: ['T1059'] }), /tags\[0\]: the first tag must be a maturity/],
    ['shell', '{"id": "shell", ', /not valid JSON/],
    ['list:shells', null, /list "shells" is not defined/],
    ['list:shells', JSON.stringify(Array.from({ length: 100_001 }, (_, i) => `x${i}`)), /list has 100001 items, more than 100000/],
    ['condition:a', '{"condition": "b"}', /shared condition "b" is not defined/],
  ];
  for (const [key, value, reason] of cases) {
    const r = s.apply(key, value, 'r@9');
    t.notOk(r.ok, `${key} refused`);
    if (!r.ok) t.match(r.error.reason, reason);
    t.ok(fires(s), 'the old rule still fires');
  }
  t.ok(s.errors().length > 0, 'refusals are kept for the API');
});

t.test('cyclic shared conditions are refused, naming the cycle', async (t) => {
  const s = new RuleStore();
  t.ok(s.apply('condition:a', '{"fact": "kind", "operator": "equal", "value": "ptrace"}', 'r@0').ok);
  t.ok(s.apply('condition:b', '{"condition": "a"}', 'r@1').ok);
  const r = s.apply('condition:a', '{"not": {"condition": "b"}}', 'r@2');
  t.notOk(r.ok);
  if (!r.ok) t.match(r.error.reason, /cycle: (a -> b -> a|b -> a -> b)/);
});

t.test('a rule that arrives before its list is taken when the list arrives', async (t) => {
  const s = new RuleStore();
  const r = s.apply('shell', rule(), 'r@0');
  t.notOk(r.ok);
  t.equal(s.errors().length, 1);
  t.ok(s.apply('list:shells', '["bash"]', 'r@1').ok);
  t.ok(fires(s), 'the waiting rule is in force');
  t.equal(s.errors().length, 0);
});

t.test('rule documents that are not objects, and deep or wide conditions, are refused without a crash', async (t) => {
  const s = new RuleStore();
  let deep: unknown = { fact: 'kind', operator: 'equal', value: 'ptrace' };
  for (let i = 0; i < 40; i++) deep = { not: deep };
  for (const v of ['null', '42', '"x"', '[]', rule({ condition: deep }), rule({ condition: { all: [] } }), rule({ condition: { fact: 'kind', operator: 'equal' } }), rule({ id: 'other' }), rule({ extra: 1 })]) {
    const r = s.apply('shell', v, 'r@0');
    t.notOk(r.ok, v.slice(0, 60));
  }
});
