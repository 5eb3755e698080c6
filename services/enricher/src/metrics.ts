import { counter, gauge, histogram } from '@tracehound/metrics';

/** Every metric of the enricher; names are part of its interface (dashboards, alerts). */
export const metrics = {
  events: counter({ name: 'tracehound_enricher_events_total', help: 'Events enriched, by outcome: resolved, unresolved, host', labelNames: ['outcome'] }),
  held: counter({ name: 'tracehound_enricher_held_total', help: 'Events held back because their container or pod was not known yet' }),
  holdSeconds: histogram({
    name: 'tracehound_enricher_hold_seconds',
    help: 'How long held events waited, by how the wait ended (resolved, unresolved)',
    labelNames: ['outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  }),
  cachePods: gauge({ name: 'tracehound_enricher_cache_pods', help: 'Pods in the cache: live, or deleted and kept for late events', labelNames: ['state'] }),
  cacheContainers: gauge({ name: 'tracehound_enricher_cache_containers', help: 'Container ids in the cache' }),
  cacheNamespaces: gauge({ name: 'tracehound_enricher_cache_namespaces', help: 'Namespaces in the cache' }),
  cacheOwners: gauge({ name: 'tracehound_enricher_cache_owners', help: 'Owner lookups cached (ReplicaSet, Job)' }),
  watchRestarts: counter({
    name: 'tracehound_enricher_watch_restarts_total',
    help: 'Watches that ended and were restarted, by resource and reason (closed, gone, error, stalled, resync)',
    labelNames: ['resource', 'reason'],
  }),
  relists: counter({ name: 'tracehound_enricher_relists_total', help: 'Full lists, by resource and reason (initial, gone, error, stalled, resync)', labelNames: ['resource', 'reason'] }),
  kubeErrors: counter({ name: 'tracehound_enricher_kube_errors_total', help: 'Kubernetes API failures, by resource, operation and HTTP status (403: missing RBAC)', labelNames: ['resource', 'op', 'status'] }),
  synced: gauge({ name: 'tracehound_enricher_synced', help: '1 once the first full list of the resource has completed', labelNames: ['resource'] }),
  malformed: counter({ name: 'tracehound_enricher_malformed_objects_total', help: 'Objects from the API the enricher refused or partly ignored, by resource and reason', labelNames: ['resource', 'reason'] }),
  unknownRuntime: counter({ name: 'tracehound_enricher_unknown_runtime_total', help: 'containerIDs with a runtime prefix the enricher does not know (still indexed)', labelNames: ['runtime'] }),
  ownerLookups: counter({ name: 'tracehound_enricher_owner_lookups_total', help: 'Owner (ReplicaSet, Job) lookups, by kind and result', labelNames: ['kind', 'result'] }),
};
