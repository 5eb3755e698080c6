export { buildApi, type ApiApp, type ApiOptions } from './app.js';
export { RuleService, type RulesTopic, type BacktestLimits } from './rules/rule-service.js';
export type { RuleEngine, RuleIssue, CompiledForBacktest } from './rules/engine.js';
export { startAlertFeed, type AlertFeed } from './adapters/alerts-feed.js';
export { apiOptions, type ApiSettings } from './options.js';
