import { loadConfig } from '@tracehound/config';
import { createLogger } from '@tracehound/logging';
import { runMain } from '@tracehound/service';
import { buildAgent } from './app.js';
import { AgentAppConfig } from './config.js';

/** `tracehound agent`: owns the process. `overrides` are CLI flags, which win over the environment. */
export async function main(overrides: Record<string, string> = {}): Promise<void> {
  const cfg = loadConfig(AgentAppConfig, undefined, overrides);
  const log = createLogger('agent', cfg.TRACEHOUND_LOG_LEVEL);
  await runMain('agent', log, async () => {
    const agent = await buildAgent(cfg, {
      log,
      onFatal: () => {
        process.exitCode = 69;
        void agent.close();
      },
    });
    return agent;
  });
}
