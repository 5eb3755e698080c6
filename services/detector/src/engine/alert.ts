import { createHash } from 'node:crypto';
import type { Alert, Event, StatefulMatch } from '@tracehound/schemas';
import type { CompiledRule } from './rule-set.js';

/**
 * Alert ids are a hash of what makes an alert the same alert: rule id and version, plus the
 * event id (stateless rules), the throttle window (throttled rules) or the window or chain
 * (stateful rules). A re-delivered or replayed event gives the same id, so downstream stores
 * keep one row per id however often it arrives.
 */
export function alertId(rule: CompiledRule, ...parts: string[]): string {
  const h = createHash('sha256');
  h.update(rule.id).update('\0').update(String(rule.version));
  for (const p of parts) h.update('\0').update(p);
  return `alr-${h.digest('hex').slice(0, 32)}`;
}

export interface AlertOptions {
  id: string;
  stateful?: StatefulMatch;
  /** ns since the epoch; the detector's clock. */
  now: bigint;
}

export function buildAlert(rule: CompiledRule, event: Event, o: AlertOptions): Alert {
  const s = o.stateful;
  return {
    id: o.id,
    ts: o.now,
    rule: { id: rule.id, name: rule.name, version: rule.version },
    severity: rule.severity,
    tags: rule.tags,
    mitre: rule.mitre,
    message: rule.render(event, s ? { count: s.count, key: s.key } : undefined),
    stateful: s ?? null,
    event,
  };
}

/** The Kafka key of an alert: the pod uid, or the node for host processes (as events.enriched). */
export function alertKey(event: Event): string {
  return event.k8s?.pod_uid ?? event.node;
}
