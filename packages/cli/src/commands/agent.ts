import { Option, type Command } from 'commander';

/**
 * `tracehound agent [--output json]`: the node agent. Settings come from TRACEHOUND_* variables
 * (AgentConfig); flags override them. Needs root (or CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE).
 */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('capture kernel events with eBPF and publish them to Kafka (or print them as JSON lines)')
    .addOption(new Option('--output <kind>', 'kafka, or json for JSON lines on stdout until Ctrl-C').choices(['kafka', 'json']))
    .option('--loader <path>', 'the tracehound-loader binary (default: bpf/.output/tracehound-loader)')
    .action(async (opts: { output?: string; loader?: string }) => {
      const { main } = await import('@tracehound/agent');
      const overrides: Record<string, string> = {};
      if (opts.output) overrides.TRACEHOUND_AGENT_OUTPUT = opts.output;
      if (opts.loader) overrides.TRACEHOUND_AGENT_LOADER = opts.loader;
      await main(overrides);
    });
}
