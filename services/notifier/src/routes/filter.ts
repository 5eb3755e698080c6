import { SEVERITY_SYMBOLS, type Alert } from '@tracehound/schemas';
import type { Route } from './model.js';

/** Whether an alert goes to a route: enabled, severity at least the minimum, and each list given matches. */
export function routeMatches(route: Route, alert: Alert): boolean {
  if (!route.enabled) return false;
  const f = route.filter;
  if (SEVERITY_SYMBOLS.indexOf(alert.severity) < f.minSeverity) return false;
  if (f.rules && !f.rules.has(alert.rule.id)) return false;
  if (f.tags && !alert.tags.some((t) => f.tags!.has(t)) && !alert.mitre.some((t) => f.tags!.has(t))) return false;
  if (f.namespaces) {
    const ns = alert.event.k8s?.namespace ?? alert.event.audit?.namespace ?? '';
    if (!f.namespaces.has(ns)) return false;
  }
  return true;
}
