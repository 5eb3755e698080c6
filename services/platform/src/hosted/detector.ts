import { startedOrClosed, threadable } from './types.js';

export const detector = threadable(import.meta.url, {
  name: 'detector',
  async start({ cfg, logger }) {
    // Loaded where it runs: a worker thread, or the main thread when TRACEHOUND_UP_THREADS=one.
    const { buildDetector } = await import('@tracehound/detector');
    const app = await startedOrClosed(buildDetector(cfg, { logger }));
    return { ready: app.ready, details: () => ({ rules: app.store.set.rules.length, rule_errors: app.ruleErrors().length }), close: () => app.close() };
  },
});
