import { existsSync } from 'node:fs';
import { DEFAULT_LOADER, buildAgent } from '@tracehound/agent';
import { errorMessage } from '@tracehound/errors';
import { threadable } from './types.js';

const BTF = '/sys/kernel/btf/vmlinux';
const READY_TIMEOUT_MS = 60_000;

/** Why the agent cannot load eBPF here, checked before it is tried; undefined when it may. */
export function agentUnavailable(loader: string, uid = process.getuid?.()): string | undefined {
  if (uid !== 0) return 'not root (the agent needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)';
  if (!existsSync(BTF)) return `no kernel BTF at ${BTF}`;
  if (!existsSync(loader)) return `no loader at ${loader}; build it with bpf/build.sh`;
  return undefined;
}

/** The node agent, when this machine can load eBPF; otherwise it is skipped with the reason and the rest runs. */
export const agent = threadable(import.meta.url, {
  name: 'agent',
  async start({ cfg, logger }) {
    if (cfg.TRACEHOUND_UP_AGENT === 'off') return { skipped: 'off (TRACEHOUND_UP_AGENT=off)' };
    const why = agentUnavailable(cfg.TRACEHOUND_AGENT_LOADER ?? DEFAULT_LOADER);
    if (why) return { skipped: why };
    let fatal: string | undefined;
    let app: Awaited<ReturnType<typeof buildAgent>>;
    try {
      app = await buildAgent({ ...cfg, TRACEHOUND_AGENT_OUTPUT: 'kafka' }, { log: logger, onFatal: (reason) => (fatal = reason) });
    } catch (err) {
      return { skipped: errorMessage(err) };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        app.ready(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the loader did not attach within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS))),
      ]);
    } catch (err) {
      await app.close().catch(() => undefined);
      return { skipped: fatal ?? errorMessage(err) };
    } finally {
      clearTimeout(timer);
    }
    return { ready: () => fatal === undefined, details: () => app.status(), close: () => app.close() };
  },
});
