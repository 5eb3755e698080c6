import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, selectScenarios } from '../src/index.js';

const RULES = fileURLToPath(new URL('../../../rules/', import.meta.url));
const WORKLOAD = readFileSync(fileURLToPath(new URL('../src/workload.py', import.meta.url)), 'utf8');

t.test('every scenario names a default rule and has its action in workload.py', async (t) => {
  const ids = new Set(readdirSync(RULES).filter((f) => f.endsWith('.json'))
    .flatMap((f) => ((JSON.parse(readFileSync(join(RULES, f), 'utf8')) as { rules?: Array<{ id: string }> }).rules ?? []).map((r) => r.id)));
  for (const s of SCENARIOS) {
    t.ok(ids.has(s.rule), `${s.name}: rule ${s.rule} is in rules/`);
    t.match(WORKLOAD, new RegExp(`"${s.name}":`), `${s.name}: an action in workload.py`);
    t.match(s.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${s.name} is a valid container name`);
  }
  t.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length, 'names are unique');
});

t.test('scenarios are chosen by name; an unknown name is refused naming the known ones', async (t) => {
  t.equal(selectScenarios([]).length, SCENARIOS.length, 'none named: all');
  t.same(selectScenarios(['ptrace', 'memfd-exec']).map((s) => s.name), ['memfd-exec', 'ptrace']);
  t.throws(() => selectScenarios(['ptrace', 'rm-rf']), { code: 'TH_ERR_INVALID_INPUT', message: /unknown scenario rm-rf; known: terminal-shell, / });
});
