import type { Migration } from './migration.js';
import { migration as events } from './0001-events.js';
import { migration as alerts } from './0002-alerts.js';
import { migration as alertState } from './0003-alert-state.js';
import { migration as ruleHistory } from './0004-rule-history.js';
import { migration as apiAudit } from './0005-api-audit.js';
import { migration as users } from './0006-users.js';
import { migration as apiTokens } from './0007-api-tokens.js';
import { migration as rollups } from './0008-rollups.js';
import { migration as notificationDeliveries } from './0009-notification-deliveries.js';
import { migration as notificationRouteHistory } from './0010-notification-route-history.js';
import { migration as usersDedup } from './0011-users-dedup.js';
import { migration as eventsCompactParts } from './0012-events-compact-parts.js';

/** Every migration, in version order: a new table or change is one file plus one line here. */
export const MIGRATIONS: readonly Migration[] = [events, alerts, alertState, ruleHistory, apiAudit, users, apiTokens, rollups, notificationDeliveries, notificationRouteHistory, usersDedup, eventsCompactParts];

export type { Migration } from './migration.js';
export { EVENTS } from './0001-events.js';
export { ALERTS } from './0002-alerts.js';
export { ALERT_STATE } from './0003-alert-state.js';
export { RULE_HISTORY } from './0004-rule-history.js';
export { API_AUDIT } from './0005-api-audit.js';
export { USERS } from './0006-users.js';
export { API_TOKENS } from './0007-api-tokens.js';
export { EVENTS_PER_MINUTE, ALERTS_PER_MINUTE, eventsPerMinuteSelect } from './0008-rollups.js';
export { NOTIFICATION_DELIVERIES } from './0009-notification-deliveries.js';
export { NOTIFICATION_ROUTE_HISTORY } from './0010-notification-route-history.js';
