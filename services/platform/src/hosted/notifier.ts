import { buildNotifier } from '@tracehound/notifier';
import type { HostedService } from './types.js';

/** The notifier: alerts to the routes managed through the API (Slack, webhooks, e-mail, …). */
export const notifier: HostedService = {
  name: 'notifier',
  async start({ cfg, logger }) {
    const app = buildNotifier(cfg, { logger });
    try {
      await app.start();
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    return {
      ready: app.ready,
      details: () => ({ routes: app.routes.routes.size, failing: app.status().filter((s) => s.state === 'failing').map((s) => s.id), route_errors: app.routeErrors().length }),
      close: () => app.close(),
    };
  },
};
