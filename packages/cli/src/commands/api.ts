import type { Command } from 'commander';

/** `tracehound api`: the REST API (configuration: ApiConfig). */
export function registerApi(program: Command): void {
  program
    .command('api')
    .description('serve the REST API (events, alerts, stats, rules, users; OpenAPI at /docs)')
    .action(async () => {
      // Loaded on use: the API pulls in chDB and Fastify, which other commands do not need.
      const { main } = await import('@tracehound/api/main');
      await main();
    });
}
