import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, isRetriable } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { backoffDelay } from '@tracehound/retry';
import type { Alert, Delivery, DeliveryOutcome } from '@tracehound/schemas';
import { statusOf } from '../outputs/failure.js';
import { OUTPUT_KINDS, type Message, type Sender } from '../outputs/index.js';
import { backlogGauge, deliveries, deliverySeconds, failingGauge } from '../metrics.js';
import type { Route } from '../routes/model.js';
import { compileTemplate, type Render } from '../routes/template.js';

/** An alert waiting for this route, with where it was read (for the commit point). */
export interface Item {
  alert: Alert;
  partition: number;
  offset: bigint;
}

export interface WorkerHooks {
  /** Writes a delivery record; resolves when it is durable (the delivery log). */
  record(d: Delivery): Promise<void>;
  /** The route is finished with these items (delivered, failed for good, or dropped). */
  done(items: Item[], outcome: DeliveryOutcome): void;
  logger: Logger;
}

/** What the API and /healthz show per route. */
export interface RouteStatus {
  id: string;
  kind: string;
  state: 'ok' | 'failing' | 'disabled';
  backlog: number;
  consecutive_failures: number;
  last_error: string | null;
  last_success_at: string | null;
  delivered: number;
  failed: number;
  dropped: number;
}

/** The depth of a route's token bucket: ten seconds of its rate, at least one message. */
const burstOf = (perMinute: number): number => Math.max(1, Math.ceil(perMinute / 6));

interface Group {
  items: Item[];
  timer: NodeJS.Timeout;
}

/**
 * Delivers one route's messages, one at a time in arrival order: groups alerts of one rule in a
 * window, spaces messages by the rate limit, retries a failed attempt with jittered exponential
 * backoff until the route's deadline, and bounds what waits (the backlog). A slow or dead
 * receiver holds up only its own route.
 */
export class RouteWorker {
  private route: Route;
  private sender: Sender;
  private title: Render;
  private body: Render;
  private readonly groups = new Map<string, Group>();
  private readonly ready: Item[][] = [];
  private backlog = 0;
  private running: Promise<void> | undefined;
  /** Delivery-log writes, in order, behind the deliveries. */
  private logged: Promise<void> = Promise.resolve();
  private readonly stop = new AbortController();
  private tokens: number;
  private refilledAt = Date.now();
  private readonly status = { consecutiveFailures: 0, lastError: null as string | null, lastSuccessAt: null as number | null, delivered: 0, failed: 0, dropped: 0 };

  constructor(route: Route, private readonly hooks: WorkerHooks) {
    this.route = route;
    this.sender = OUTPUT_KINDS.get(route.kind)!.create(route.settings);
    this.title = compileTemplate(route.title);
    this.body = compileTemplate(route.body);
    this.tokens = burstOf(route.perMinute ?? 0);
  }

  get id(): string {
    return this.route.id;
  }

  /** A changed route takes effect from the next message on. */
  update(route: Route): void {
    this.sender.close?.();
    this.route = route;
    this.sender = OUTPUT_KINDS.get(route.kind)!.create(route.settings);
    this.title = compileTemplate(route.title);
    this.body = compileTemplate(route.body);
    this.tokens = Math.min(this.tokens, burstOf(route.perMinute ?? 0));
  }

  offer(item: Item): void {
    if (this.backlog >= this.route.maxBacklog) {
      void this.finish([item], 'dropped', 1, `backlog full (${this.route.maxBacklog} alerts waiting)`, undefined, 0);
      return;
    }
    this.backlog++;
    backlogGauge.set({ route: this.route.id }, this.backlog);
    const g = this.route.group;
    if (!g) {
      this.enqueue([item]);
      return;
    }
    const key = item.alert.rule.id;
    const open = this.groups.get(key);
    if (open) {
      open.items.push(item);
      if (open.items.length >= g.maxAlerts) this.closeGroup(key);
      return;
    }
    this.groups.set(key, { items: [item], timer: setTimeout(() => this.closeGroup(key), g.windowMs) });
    if (g.maxAlerts === 1) this.closeGroup(key);
  }

  statusOf(): RouteStatus {
    const s = this.status;
    return {
      id: this.route.id,
      kind: this.route.kind,
      state: !this.route.enabled ? 'disabled' : s.consecutiveFailures >= this.route.retry.failingAfter ? 'failing' : 'ok',
      backlog: this.backlog,
      consecutive_failures: s.consecutiveFailures,
      last_error: s.lastError,
      last_success_at: s.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : null,
      delivered: s.delivered,
      failed: s.failed,
      dropped: s.dropped,
    };
  }

  /**
   * Stops after the attempt in flight (at most the route's timeout): what is not delivered stays
   * uncommitted and is read again on the next start.
   */
  async close(): Promise<void> {
    this.stop.abort();
    for (const g of this.groups.values()) clearTimeout(g.timer);
    this.groups.clear();
    await this.running?.catch(() => undefined);
    await this.logged;
    this.sender.close?.();
    backlogGauge.remove({ route: this.route.id });
    failingGauge.remove({ route: this.route.id });
  }

  private closeGroup(key: string): void {
    const g = this.groups.get(key);
    if (!g) return;
    clearTimeout(g.timer);
    this.groups.delete(key);
    this.enqueue(g.items);
  }

  private enqueue(items: Item[]): void {
    this.ready.push(items);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.ready.length && !this.stop.signal.aborted) {
      const items = this.ready.shift()!;
      await this.deliver(items);
    }
  }

  private messageOf(items: Item[]): Message {
    const alerts = items.map((i) => i.alert);
    const route = { id: this.route.id, name: this.route.name };
    const id = createHash('sha256').update(`${this.route.id}\u0000${alerts.map((a) => a.id).join(',')}`).digest('hex').slice(0, 32);
    return { id, routeId: route.id, routeName: route.name, title: this.title({ alerts, route }), body: this.body({ alerts, route }), alerts };
  }

  private async deliver(items: Item[]): Promise<void> {
    const message = this.messageOf(items);
    const r = this.route.retry;
    const started = Date.now();
    await this.takeToken();
    for (let attempt = 1; !this.stop.signal.aborted; attempt++) {
      const t0 = performance.now();
      const timeout = AbortSignal.timeout(this.route.timeoutMs);
      try {
        // Not cut short by close(): a request the receiver may already have acted on is finished and
        // recorded, so a graceful restart never sends it again.
        const res = await this.sender.send(message, { signal: timeout, timeoutMs: this.route.timeoutMs });
        deliverySeconds.observe({ kind: this.route.kind }, (performance.now() - t0) / 1000);
        this.status.consecutiveFailures = 0;
        this.status.lastSuccessAt = Date.now();
        failingGauge.set({ route: this.route.id }, 0);
        await this.finish(items, 'delivered', attempt, null, res.statusCode, performance.now() - t0, message.id);
        return;
      } catch (err) {
        if (this.stop.signal.aborted) return;
        deliverySeconds.observe({ kind: this.route.kind }, (performance.now() - t0) / 1000);
        this.status.consecutiveFailures++;
        this.status.lastError = errorMessage(err);
        if (this.status.consecutiveFailures >= r.failingAfter) failingGauge.set({ route: this.route.id }, 1);
        const delay = backoffDelay(attempt, { initialDelayMs: r.initialDelayMs, maxDelayMs: r.maxDelayMs, factor: 2, jitter: 0.3 });
        const giveUp = !isRetriable(err) || Date.now() - started + delay > r.deadlineMs;
        const reason = giveUp && isRetriable(err) ? `${errorMessage(err)} (gave up after ${attempt} attempts)` : errorMessage(err);
        if (giveUp) {
          this.hooks.logger.warn({ route: this.route.id, attempt, err: errorMessage(err) }, 'notification failed for good');
          await this.finish(items, 'failed', attempt, reason, statusOf(err), performance.now() - t0, message.id);
          return;
        }
        if (attempt === 1 || attempt % 10 === 0) this.hooks.logger.warn({ route: this.route.id, attempt, delayMs: delay, err: errorMessage(err) }, 'notification attempt failed; retrying');
        await this.record(items, 'retrying', attempt, reason, statusOf(err), performance.now() - t0, message.id);
        await sleep(delay, undefined, { signal: this.stop.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Waits for a token of the route's rate limit: tokens come at `per_minute` a minute into a bucket
   * ten seconds deep, so a quiet route may send a burst of a sixth of its limit at once.
   */
  private async takeToken(): Promise<void> {
    const perMinute = this.route.perMinute;
    if (!perMinute) return;
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(burstOf(perMinute), this.tokens + ((now - this.refilledAt) * perMinute) / 60_000);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) * 60_000) / perMinute), undefined, { signal: this.stop.signal }).catch(() => undefined);
      if (this.stop.signal.aborted) return;
    }
  }

  private async finish(items: Item[], outcome: 'delivered' | 'failed' | 'dropped', attempt: number, error: string | null, statusCode: number | undefined, ms: number, id?: string): Promise<void> {
    if (outcome !== 'dropped') {
      this.backlog -= items.length;
      backlogGauge.set({ route: this.route.id }, this.backlog);
    }
    this.status[outcome] += items.length;
    // The next message need not wait for the log: results are written in order behind it, and an
    // alert counts as done (its offset may be committed) only once its result is in the log. Not
    // recorded (stopping while Kafka is away): the alerts stay uncommitted and are read again.
    const messageId = id ?? this.messageOf(items).id;
    this.logged = this.logged.then(async () => {
      if (await this.record(items, outcome, attempt, error, statusCode, ms, messageId)) this.hooks.done(items, outcome);
    });
  }

  private async record(items: Item[], outcome: DeliveryOutcome, attempt: number, error: string | null, statusCode: number | undefined, ms: number, id: string): Promise<boolean> {
    deliveries.inc({ route: this.route.id, kind: this.route.kind, outcome });
    const first = items[0]!.alert;
    // The log must hold a final result before the alert's offset may be committed: retry until it does.
    for (let n = 1; ; n++) {
      try {
        await this.hooks.record({
          id, ts: BigInt(Date.now()) * 1_000_000n, route_id: this.route.id, route_kind: this.route.kind, rule_id: first.rule.id, severity: first.severity,
          alert_ids: items.map((i) => i.alert.id), outcome, attempt, status_code: statusCode ?? null, error, duration_ms: Math.round(ms), backlog: this.backlog,
        });
        return true;
      } catch (err) {
        if (outcome === 'retrying' || this.stop.signal.aborted) return false; // an attempt record is information only
        this.hooks.logger.error({ route: this.route.id, err: errorMessage(err) }, 'delivery log write failed; retrying');
        await sleep(backoffDelay(n, { initialDelayMs: 200, maxDelayMs: 5_000, factor: 2, jitter: 0.3 }));
      }
    }
  }
}
