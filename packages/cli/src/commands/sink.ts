import type { Command } from 'commander';

/** `tracehound sink`: events.enriched and alerts into ClickHouse (configuration: SinkConfig). */
export function registerSink(program: Command): void {
  program
    .command('sink')
    .description('store enriched events and alerts in ClickHouse (embedded chDB unless TRACEHOUND_CLICKHOUSE_URL is set)')
    .action(async () => {
      // Loaded on use: the sink pulls in chDB, which other commands do not need.
      const { main } = await import('@tracehound/sink-clickhouse/main');
      await main();
    });
}
