import { buildDetector } from '@tracehound/detector';
import { startedOrClosed } from './types.js';
import type { HostedService } from './types.js';

export const detector: HostedService = {
  name: 'detector',
  async start({ cfg, logger }) {
    const app = await startedOrClosed(buildDetector(cfg, { logger }));
    return { ready: app.ready, details: () => ({ rules: app.store.set.rules.length, rule_errors: app.ruleErrors().length }), close: () => app.close() };
  },
};
