import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRuleSet } from '../src/rules/build.js';
import { checkExamples } from '../src/rules/check-examples.js';
import { formatIssue } from '../src/rules/issues.js';
import { readRuleFiles, withLines } from '../src/rules/load-files.js';
import { MATURITIES } from '../src/rules/model.js';

const dir = fileURLToPath(new URL('../../../rules/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
const { raw, issues, texts } = readRuleFiles(files);
const built = buildRuleSet(raw);

t.test('the default rule files load without a single issue', async (t) => {
  const all = issues.concat(built.ok ? [] : built.issues);
  t.same(withLines(all, texts).map(formatIssue), []);
  t.ok(built.ok);
});

t.test('the default set has at least 30 rules, split by maturity, each with examples both ways', async (t) => {
  if (!built.ok) {
    t.fail('rules did not build');
    return;
  }
  const rules = built.set.rules;
  t.ok(rules.length >= 30, `${rules.length} rules`);
  t.ok(files.some((f) => f.endsWith('stable.json')) && files.some((f) => f.endsWith('incubating.json')));
  for (const r of rules) {
    t.ok((MATURITIES as readonly string[]).includes(r.tags[0]!), `${r.id}: maturity first`);
    t.ok((r.doc.examples?.positive?.length ?? 0) > 0, `${r.id}: has a positive example`);
    t.ok((r.doc.examples?.negative?.length ?? 0) > 0, `${r.id}: has a negative example`);
    t.ok(Array.isArray(r.doc.exceptions), `${r.id}: has an exceptions hook for tuning`);
  }
  t.ok(rules.some((r) => r.stateful?.type === 'threshold'), 'a threshold rule');
  t.ok(rules.some((r) => r.stateful?.type === 'sequence'), 'a sequence rule');
});

t.test('every default rule fires on its positive examples and stays quiet on its negatives', async (t) => {
  if (!built.ok) {
    t.fail('rules did not build');
    return;
  }
  const results = checkExamples(built.set);
  t.ok(results.length >= 60);
  for (const r of results) t.ok(r.ok, `${r.rule} ${r.expect}[${r.index}]: ${r.alerts} alerts${r.error ? ` (${r.error})` : ''}`);
});

t.test('issue-required coverage: a rule exists for each listed threat', async (t) => {
  if (!built.ok) {
    t.fail('rules did not build');
    return;
  }
  const ids = new Set(built.set.rules.map((r) => r.id));
  for (const id of [
    'terminal-shell-in-container', 'shell-spawned-by-server', 'exec-from-temp-dir', 'fileless-memfd-exec', 'drifted-binary-exec',
    'read-sensitive-file', 'service-account-token-read', 'k8s-api-from-container', 'cloud-metadata-connect', 'stdio-redirected-to-socket',
    'netcat-exec', 'kernel-module-load', 'cgroup-release-agent-or-core-pattern-write', 'ptrace-attach', 'raw-socket-in-container',
    'log-file-deleted', 'shell-history-deleted', 'credential-search', 'setuid-root-by-non-root', 'namespace-escape-attempt',
    'mount-in-container', 'package-manager-in-container', 'write-below-cron', 'write-sudoers', 'write-ld-so-preload',
    'crypto-miner-pool-port', 'crypto-miner-stratum-args', 'privileged-pod-exec', 'failed-connect-burst', 'server-shell-then-k8s-api',
  ]) t.ok(ids.has(id), id);
});
