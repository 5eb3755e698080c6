import { alertRoutes } from './alerts.js';
import { authRoutes } from './auth.js';
import { eventRoutes } from './events.js';
import { ruleRoutes } from './rules.js';
import { statsRoutes } from './stats.js';
import { streamRoutes } from './stream.js';
import type { RouteModule } from './types.js';

/** Every route module: a new area of the API is one file plus one line here. */
export const ROUTES: RouteModule[] = [authRoutes, eventRoutes, alertRoutes, statsRoutes, ruleRoutes, streamRoutes];
