import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage } from '@tracehound/errors';
import { fromJson, type Alert } from '@tracehound/schemas';
import { Detection } from './handlers/detection.js';
import { buildRuleSet } from './rules/build.js';
import { checkExamples } from './rules/check-examples.js';
import { formatIssue } from './rules/issues.js';
import { readRuleFiles, withLines } from './rules/load-files.js';

/**
 * What `tracehound rules lint` and `tracehound rules test` do, without the command line:
 * for users' CI, like Falco's rules validator.
 */
export interface LintReport {
  ok: boolean;
  rules: number;
  /** One line per problem: `file:line:col: item: place: message`. */
  problems: string[];
  examples: { passed: number; failed: number };
}

export function lintRuleFiles(paths: string[], o: { examples?: boolean } = {}): LintReport {
  const { raw, issues, texts } = readRuleFiles(paths);
  const built = issues.length ? undefined : buildRuleSet(raw);
  const all = built && !built.ok ? built.issues : issues;
  const problems = withLines(all, texts).map(formatIssue);
  const examples = { passed: 0, failed: 0 };
  if (built?.ok && o.examples !== false) {
    for (const r of checkExamples(built.set)) {
      if (r.ok) examples.passed++;
      else {
        examples.failed++;
        const src = raw.rules.get(r.rule);
        const line = src ? withLines([{ pointer: [...src.pointer, 'examples', r.expect, r.index], message: '', source: src.source }], texts)[0] : undefined;
        problems.push(`${src?.source ?? '?'}${line?.line ? `:${line.line}:${line.column}` : ''}: rule:${r.rule}: examples.${r.expect}[${r.index}]: ${r.error ?? (r.expect === 'positive' ? 'expected an alert, got none' : `expected no alert, got ${r.alerts}`)}`);
      }
    }
  }
  return { ok: problems.length === 0, rules: built?.ok ? built.set.rules.length : 0, problems, examples };
}

export type TestOutput = { alert: Alert; line: number } | { error: string; line: number };

/**
 * Runs rule files over JSON-lines events (the JSON form of Event: nanoseconds as strings),
 * statefully and in order, yielding each alert and each line that is not a valid event.
 */
export async function* testRules(rulePaths: string[], eventsPath: string): AsyncGenerator<TestOutput> {
  const lint = lintRuleFiles(rulePaths, { examples: false });
  if (!lint.ok) throw new Error(`rules are invalid:\n${lint.problems.join('\n')}`);
  const built = buildRuleSet(readRuleFiles(rulePaths).raw);
  if (!built.ok) throw new Error('rules are invalid');
  const d = new Detection({ maxKeys: 100_000 });
  d.setRules(built.set);
  const lines = createInterface({ input: createReadStream(eventsPath), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    try {
      const event = fromJson('tracehound.Event', JSON.parse(text));
      for (const alert of d.process(event, 0, BigInt(n))) yield { alert, line: n };
    } catch (err) {
      yield { error: `${eventsPath}:${n}: ${errorMessage(err)}`, line: n };
    }
  }
}
