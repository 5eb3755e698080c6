import type { Command } from 'commander';

/**
 * `tracehound up`: the whole platform on this machine — the stack when none runs, then enricher,
 * detector, sink, API (and the agent when eBPF loads) in this one process. Configuration:
 * TRACEHOUND_* variables (PlatformConfig and those of each service); flags override them.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run everything on this machine: Kafka + registry (unless running), enricher, detector, sink, API/UI and the agent in one process; Ctrl-C stops what it started')
    .option('--local-kube', 'enrich against the local Kubernetes API server (`tracehound kube`), started if needed')
    .option('--no-agent', 'do not host the agent')
    .option('--port <port>', 'the API and UI port (TRACEHOUND_API_PORT)')
    .action(async (opts: { localKube?: boolean; agent: boolean; port?: string }) => {
      // Loaded on use: it pulls in every service.
      const { up } = await import('@tracehound/platform');
      const overrides: Record<string, string> = {};
      if (opts.localKube) overrides.TRACEHOUND_UP_LOCAL_KUBE = 'true';
      if (!opts.agent) overrides.TRACEHOUND_UP_AGENT = 'off';
      if (opts.port) overrides.TRACEHOUND_API_PORT = opts.port;
      await up({ overrides });
    });
}
