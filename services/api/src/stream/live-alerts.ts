import { alertToRow, nsToIso } from '@tracehound/clickhouse';
import { gauge, counter } from '@tracehound/metrics';
import type { Alert } from '@tracehound/schemas';
import { inScope, type Principal } from '../auth/principal.js';

export interface StreamClient {
  principal: Principal;
  /** Writes a chunk; returns the bytes still queued for this client. */
  write(chunk: string): number;
  end(): void;
}

const clientsGauge = gauge({ name: 'tracehound_api_sse_clients', help: 'Open live alert streams' });
const refused = counter({ name: 'tracehound_api_sse_refused_total', help: 'Live alert streams refused or dropped', labelNames: ['reason'] });

/** The JSON of a new alert on the stream: the fields of the alerts list (state open). */
export function liveAlertJson(a: Alert): Record<string, unknown> {
  const r = alertToRow(a, { topic: '', partition: 0, offset: '0' });
  return {
    id: a.id, ts: a.ts.toString(), time: nsToIso(a.ts), rule_id: a.rule.id, rule_name: a.rule.name, rule_version: a.rule.version, severity: a.severity,
    tags: a.tags, mitre: a.mitre, message: a.message, event_id: a.event.id, event_kind: a.event.kind, namespace: r.namespace, pod: r.pod,
    container: r.container, workload: r.workload, node: r.node, comm: r.comm, state: 'open', assignee: '',
  };
}

/**
 * Fans new alerts out to Server-Sent Event clients, each seeing only its namespaces. Bounded:
 * at most `maxClients` streams (and `perUser` per user) — more are refused, not queued — and a
 * client that stops reading is dropped once `maxQueuedBytes` wait for it.
 */
export class LiveAlerts {
  private readonly clients = new Set<StreamClient>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o = { maxClients: 1_000, perUser: 50, maxQueuedBytes: 1024 * 1024, heartbeatMs: 15_000 }) {
    this.timer = setInterval(() => this.broadcast(() => ': ping\n\n'), o.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client, or says why not. */
  open(c: StreamClient): 'ok' | 'full' | 'user-limit' {
    if (this.clients.size >= this.o.maxClients) {
      refused.inc({ reason: 'full' });
      return 'full';
    }
    let mine = 0;
    for (const x of this.clients) if (x.principal.username === c.principal.username) mine++;
    if (mine >= this.o.perUser) {
      refused.inc({ reason: 'user-limit' });
      return 'user-limit';
    }
    this.clients.add(c);
    clientsGauge.set(this.clients.size);
    return 'ok';
  }

  remove(c: StreamClient): void {
    this.clients.delete(c);
    clientsGauge.set(this.clients.size);
  }

  publish(a: Alert): void {
    const view = liveAlertJson(a);
    const chunk = `id: ${a.id}\nevent: alert\ndata: ${JSON.stringify(view)}\n\n`;
    this.broadcast((c) => (inScope(c.principal, String(view.namespace)) ? chunk : undefined));
  }

  private broadcast(chunkFor: (c: StreamClient) => string | undefined): void {
    for (const c of this.clients) {
      const chunk = chunkFor(c);
      if (chunk === undefined) continue;
      if (c.write(chunk) > this.o.maxQueuedBytes) {
        refused.inc({ reason: 'slow' });
        this.remove(c);
        c.end();
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
    clientsGauge.set(0);
  }
}
