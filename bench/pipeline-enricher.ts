import { readFileSync } from 'node:fs';
import { createEnricher } from '../services/enricher/src/app.js';
import { threadable } from '../services/platform/src/hosted/types.js';
import { fakeKubeApi, type BenchPod } from './enricher-fixtures.js';
import { profiledStart } from './pipeline-profile.js';

/** The environment variable naming the pods file bench/pipeline.ts writes (worker threads see the process's environment). */
export const PODS_FILE_VAR = 'TH_BENCH_PODS_FILE';

/**
 * bench/pipeline.ts's enricher: the pods of that file from an in-memory Kubernetes API. An entry
 * of its own module so that the platform can start it in a worker thread as it does the real one.
 */
export const benchEnricher = threadable(import.meta.url, {
  name: 'enricher',
  start: (ctx) => profiledStart('enricher', ctx, async ({ cfg, logger }) => {
    const pods = JSON.parse(readFileSync(process.env[PODS_FILE_VAR]!, 'utf8')) as BenchPod[];
    const app = createEnricher(cfg, { logger, kube: fakeKubeApi(pods) });
    await app.start();
    return { ready: app.ready, details: app.details, close: () => app.close() };
  }),
});
