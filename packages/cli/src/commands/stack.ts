import { Option, type Command } from 'commander';
import { formatDown, formatStatus, formatUp, loadStackSettings, stackDown, stackStatus, stackUp, withStorage, type RegistryStorage } from '@tracehound/stack';

/**
 * `tracehound stack up|down|status`: a local Kafka broker and schema registry without Docker.
 * Settings come from TRACEHOUND_* variables (see StackConfig); flags override them.
 */
export function registerStack(program: Command): void {
  const stack = program.command('stack').description('run a local Kafka broker and schema registry (Apicurio) under the data dir');

  stack
    .command('up')
    .description('start Kafka, then the registry; reuse whatever already runs')
    .addOption(new Option('--storage <kind>', 'registry storage: mem, or kafkasql to keep schemas in Kafka across restarts').choices(['mem', 'kafkasql']))
    .action(async (opts: { storage?: RegistryStorage }) => {
      const result = await stackUp(withStorage(loadStackSettings(), opts.storage));
      process.stdout.write(`${formatUp(result)}\n`);
    });

  stack
    .command('down')
    .description('stop the processes `stack up` started (SIGTERM, then SIGKILL after a grace period)')
    .action(async () => {
      process.stdout.write(`${formatDown(await stackDown(loadStackSettings()))}\n`);
    });

  stack
    .command('status')
    .description("print each component's state")
    .action(async () => {
      process.stdout.write(`${formatStatus(await stackStatus(loadStackSettings()))}\n`);
    });
}
