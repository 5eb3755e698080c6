import { startedOrClosed, threadable } from './types.js';

/** The notifier: alerts to the routes managed through the API (Slack, webhooks, e-mail, …). */
export const notifier = threadable(import.meta.url, {
  name: 'notifier',
  async start({ cfg, logger }) {
    const { buildNotifier } = await import('@tracehound/notifier');
    const app = await startedOrClosed(buildNotifier(cfg, { logger }));
    return {
      ready: app.ready,
      details: () => ({ routes: app.routes.routes.size, failing: app.status().filter((s) => s.state === 'failing').map((s) => s.id), route_errors: app.routeErrors().length }),
      close: () => app.close(),
    };
  },
});
