import { buildDetector } from '@tracehound/detector';
import type { HostedService } from './types.js';

export const detector: HostedService = {
  name: 'detector',
  async start({ cfg, logger }) {
    const app = buildDetector(cfg, { logger });
    try {
      await app.start();
    } catch (err) {
      await app.close().catch(() => undefined);
      throw err;
    }
    return { ready: app.ready, details: () => ({ rules: app.store.set.rules.length, rule_errors: app.ruleErrors().length }), close: () => app.close() };
  },
};
