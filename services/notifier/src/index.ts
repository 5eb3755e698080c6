export { buildNotifier, type NotifierApp, type NotifierDeps, type NotifierSettings } from './app.js';
export { main } from './main.js';
export { RouteDoc, type RouteDocJson, type Route } from './routes/model.js';
export { checkRoute, redactRoute, keepSecrets, type RouteIssue, type RouteCheck } from './routes/validate.js';
export { RouteStore, type RouteError } from './routes/store.js';
export { OUTPUTS, OUTPUT_KINDS, WEBHOOK_HEADERS, signBody } from './outputs/index.js';
export type { RouteStatus } from './delivery/route-worker.js';
