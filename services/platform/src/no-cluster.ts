import type { EnricherDeps } from '@tracehound/enricher';
import { TracehoundError } from '@tracehound/errors';

type KubeApi = NonNullable<EnricherDeps['kube']>;

/**
 * The Kubernetes API of a machine that is not part of a cluster: no pods, no namespaces, and
 * watches that end quietly at their timeout as a real server's do. The enricher then marks
 * container events unresolved and host events host, without errors to log.
 */
export function noCluster(): KubeApi {
  return {
    server: 'none',
    list: async () => ({ items: [], resourceVersion: '1' }),
    async watch(_resource, _rv, timeoutSeconds, _onEvent, onDone) {
      const timer = setTimeout(() => onDone(null), timeoutSeconds * 1000);
      return { abort: () => clearTimeout(timer) };
    },
    getOwner: async (kind) => {
      throw new TracehoundError('TH_ERR_KUBE', `no cluster: no ${kind} to look up`, { retriable: false });
    },
  };
}
