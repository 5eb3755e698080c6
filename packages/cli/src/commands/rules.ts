import type { Command } from 'commander';

/**
 * `tracehound rules lint <files...>` checks rule files (line-precise errors, then every rule's
 * examples); `tracehound rules test <rules...> --events <file.jsonl>` runs rules over events.
 * Both exit 1 on problems, for users' CI.
 */
export function registerRules(program: Command): void {
  const rules = program.command('rules').description('check and try detection rules');

  rules
    .command('lint')
    .description('validate rule files: structure, fields, operators, lists, shared conditions, templates, then each rule\'s examples')
    .argument('<files...>', 'rule files (JSON); lists and shared conditions may live in any of them')
    .option('--no-examples', 'skip running the rules\' positive and negative examples')
    .action(async (files: string[], opts: { examples: boolean }) => {
      // Loaded when the command runs, like every other command's code: the detector must not
      // weigh on the other commands' processes (the agent's RSS, for one).
      const { lintRuleFiles } = await import('@tracehound/detector');
      const r = lintRuleFiles(files, { examples: opts.examples });
      for (const p of r.problems) process.stderr.write(`${p}\n`);
      process.stdout.write(r.ok
        ? `${r.rules} rules OK${opts.examples ? `, ${r.examples.passed} examples pass` : ''}\n`
        : `${r.problems.length} problem(s)\n`);
      if (!r.ok) process.exitCode = 1;
    });

  rules
    .command('test')
    .description('run rules over JSON-lines events (the JSON form of Event) and print the alerts')
    .argument('<rules...>', 'rule files')
    .requiredOption('-e, --events <file>', 'events, one JSON object per line')
    .option('--json', 'print alerts as JSON lines')
    .action(async (files: string[], opts: { events: string; json?: boolean }) => {
      const [{ testRules }, { toJson }] = await Promise.all([import('@tracehound/detector'), import('@tracehound/schemas')]);
      let alerts = 0;
      let errors = 0;
      for await (const out of testRules(files, opts.events)) {
        if ('error' in out) {
          errors++;
          process.stderr.write(`${out.error}\n`);
        } else {
          alerts++;
          const a = out.alert;
          process.stdout.write(opts.json ? `${toJson(a)}\n` : `line ${out.line}: ${a.severity.toUpperCase()} ${a.rule.id}: ${a.message}\n`);
        }
      }
      process.stderr.write(`${alerts} alert(s), ${errors} bad line(s)\n`);
      if (errors) process.exitCode = 1;
    });
}
