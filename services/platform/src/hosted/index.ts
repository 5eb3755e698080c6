import { agent } from './agent.js';
import { api } from './api.js';
import { detector } from './detector.js';
import { enricher } from './enricher.js';
import { notifier } from './notifier.js';
import { sink } from './sink.js';
import type { HostedService } from './types.js';

/**
 * The services the all-in-one process hosts, in start order (stop order is the reverse): the API
 * first (storage migrations, the first admin), the agent last, so the pipeline below it already
 * runs when the first kernel event arrives. One line per service.
 */
export const HOSTED: HostedService[] = [
  api,
  sink,
  detector,
  enricher,
  notifier,
  agent,
];
