import type { Command } from 'commander';

/** `tracehound detector`: evaluate rules on enriched events and emit alerts (configured by TRACEHOUND_* variables). */
export function registerDetector(program: Command): void {
  program
    .command('detector')
    .description('run the detector: rules from the rules topic, events.enriched in, alerts out')
    .action(async () => {
      const { main } = await import('@tracehound/detector');
      await main();
    });
}
