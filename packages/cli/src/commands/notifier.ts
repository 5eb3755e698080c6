import type { Command } from 'commander';

/** `tracehound notifier`: deliver alerts to the configured routes (configured by TRACEHOUND_* variables). */
export function registerNotifier(program: Command): void {
  program
    .command('notifier')
    .description('run the notifier: alerts to Slack, webhooks, e-mail, Teams and Mattermost routes managed through the API')
    .action(async () => {
      const { main } = await import('@tracehound/notifier');
      await main();
    });
}
