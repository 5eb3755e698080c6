import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJson } from '@tracehound/schemas';
import { lintRuleFiles, testRules } from '../src/tools.js';
import { DEFAULT_RULE_FILES } from '../../../rules/index.js';
import { at } from './fixtures/rules.js';

const dir = mkdtempSync(join(tmpdir(), 'th-rules-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

t.test('lint passes the default rule files and runs their examples', async (t) => {
  const r = lintRuleFiles(DEFAULT_RULE_FILES);
  t.same(r.problems, []);
  t.ok(r.rules >= 30);
  t.ok(r.examples.passed >= 60);
  t.equal(r.examples.failed, 0);
});

t.test('lint names the file, line and column of each problem', async (t) => {
  const p = write('bad.json', [
    '{',
    '  "rules": [',
    '    {',
    '      "id": "bad", "name": "Bad", "description": "d", "severity": "high", "tags": ["stable"],',
    '      "output": "{process.exe} {process.nothing}",',
    '      "condition": {',
    '        "all": [',
    '          { "fact": "kind", "operator": "equal", "value": "process_exec" },',
    '          { "fact": "process.exe", "operator": "glob", "value": "/tmp/[" },',
    '          { "fact": "process.exe", "operator": "bogus", "value": 1 }',
    '        ]',
    '      }',
    '    }',
    '  ]',
    '}',
  ].join('\n'));
  const r = lintRuleFiles([p]);
  t.notOk(r.ok);
  t.match(r.problems.join('\n'), new RegExp(`${p}:5:7: rule:bad: rules\\[0\\]\\.output: \\{process\\.nothing\\} names no event field`));
  t.match(r.problems.join('\n'), new RegExp(`${p}:10:36: rule:bad: rules\\[0\\]\\.condition\\.all\\[2\\]\\.operator: unknown operator "bogus"`));
  t.equal(r.problems.length, 2, r.problems.join('\n'));
});

t.test('lint reports JSON syntax errors with their line, and failing examples with theirs', async (t) => {
  const syntax = lintRuleFiles([write('syntax.json', '{\n  "rules": [\n    { "id": "x", }\n  ]\n}\n')]);
  t.match(syntax.problems[0], /syntax\.json:3:\d+: \(root\): not valid JSON/);
  const ex = lintRuleFiles([write('ex.json', JSON.stringify({ rules: [{
    id: 'ex', name: 'Ex', description: 'd', severity: 'low', tags: ['sandbox'], output: 'x',
    condition: { fact: 'kind', operator: 'equal', value: 'ptrace' },
    examples: { positive: [{ kind: 'file_open' }], negative: [{ kind: 'file_open' }] },
  }] }, null, 2))]);
  t.equal(ex.examples.failed, 1);
  t.match(ex.problems.join('\n'), /ex\.json:\d+:\d+: rule:ex: examples\.positive\[0\]: expected an alert, got none/);
});

t.test('rules test runs rules over JSON lines in order, statefully, and names bad lines', async (t) => {
  const events = [at('process_exec', 0, 'ok-1'), at('file_open', 1, 'ok-2')].map((e) => toJson(e));
  const p = write('events.jsonl', `${events.join('\n')}\n{"id": 1}\nnot json\n`);
  const out = [];
  for await (const o of testRules(DEFAULT_RULE_FILES, p)) out.push(o);
  const alerts = out.flatMap((o) => ('alert' in o ? [o.alert.rule.id] : []));
  t.ok(alerts.includes('terminal-shell-in-container') && alerts.includes('shell-spawned-by-server'), alerts.join(', '));
  t.ok(alerts.includes('read-sensitive-file'));
  const errors = out.flatMap((o) => ('error' in o ? [o.error] : []));
  t.equal(errors.length, 2);
  t.match(errors[0], /events\.jsonl:3: not a valid tracehound\.Event/);
  t.match(errors[1], /events\.jsonl:4: /);
});
