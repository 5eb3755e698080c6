import { counter, gauge, histogram } from '@tracehound/metrics';

export const deliveries = counter({ name: 'tracehound_notifier_deliveries_total', help: 'Notification results by route, kind and outcome (delivered, retrying, failed, dropped)', labelNames: ['route', 'kind', 'outcome'] });
export const deliverySeconds = histogram({ name: 'tracehound_notifier_delivery_seconds', help: 'Duration of delivery attempts', labelNames: ['kind'], buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30] });
export const backlogGauge = gauge({ name: 'tracehound_notifier_backlog', help: 'Alerts waiting for a route', labelNames: ['route'] });
export const failingGauge = gauge({ name: 'tracehound_notifier_route_failing', help: '1 while a route has failed its last attempts (see retry.failing_after)', labelNames: ['route'] });
export const duplicatesSkipped = counter({ name: 'tracehound_notifier_duplicates_skipped_total', help: 'Alerts read again (after a restart) that the delivery log shows as already handled', labelNames: ['route'] });
export const routeErrors = gauge({ name: 'tracehound_notifier_route_errors', help: 'Route records refused and not superseded' });
export const routesGauge = gauge({ name: 'tracehound_notifier_routes', help: 'Routes in force' });
