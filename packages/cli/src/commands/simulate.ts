import type { Command } from 'commander';

/**
 * `tracehound simulate [scenario…]`: harmless imitations of attacks inside an imitated container,
 * each checked for the alert its default rule promises (root; TRACEHOUND_* variables, SimulateConfig).
 */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .argument('[scenario...]', 'scenarios to run (default: all; see --list)')
    .description('imitate attacks safely in an imitated container and report, per scenario, the expected rule, whether its alert arrived and how fast')
    .option('--list', 'list the scenarios and exit')
    .option('--timeout <ms>', 'how long to wait for the alerts (TRACEHOUND_SIMULATE_TIMEOUT_MS)')
    .action(async (names: string[], opts: { list?: boolean; timeout?: string }) => {
      const { SCENARIOS, main } = await import('@tracehound/simulate');
      if (opts.list) {
        process.stdout.write(`${SCENARIOS.map((s) => `${s.name.padEnd(20)} ${s.rule.padEnd(30)} ${s.what}`).join('\n')}\n`);
        return;
      }
      await main(names, opts.timeout ? { TRACEHOUND_SIMULATE_TIMEOUT_MS: opts.timeout } : {});
    });
}
