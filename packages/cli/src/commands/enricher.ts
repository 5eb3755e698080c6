import type { Command } from 'commander';

/** `tracehound enricher`: Kubernetes context on every event (configured by TRACEHOUND_* variables, see EnricherConfig). */
export function registerEnricher(program: Command): void {
  program
    .command('enricher')
    .description('run the enricher: events.raw in, events.enriched out, pods and namespaces from the Kubernetes API')
    .action(async () => {
      const { main } = await import('@tracehound/enricher');
      await main();
    });
}
