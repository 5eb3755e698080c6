import { noCluster } from '../no-cluster.js';
import { startedOrClosed, threadable } from './types.js';

export const enricher = threadable(import.meta.url, {
  name: 'enricher',
  async start({ cfg, logger }) {
    const { createEnricher } = await import('@tracehound/enricher');
    // One machine without TRACEHOUND_KUBECONFIG has no cluster: events go on as host/unresolved at
    // once (holding events of unknown containers would only delay them) and nothing logs about it.
    const offline = !cfg.TRACEHOUND_KUBECONFIG;
    const app = offline
      ? createEnricher({ ...cfg, TRACEHOUND_ENRICHER_HOLD_MS: 0 }, { logger, kube: noCluster() })
      : createEnricher(cfg, { logger });
    await startedOrClosed(app);
    return { ready: app.ready, details: () => ({ ...app.details(), cluster: offline ? 'none' : cfg.TRACEHOUND_KUBECONFIG }), close: () => app.close() };
  },
});
