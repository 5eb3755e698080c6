import { setTimeout as sleep } from 'node:timers/promises';
import { isTracehoundError, type TracehoundError } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { backoffDelay } from '@tracehound/retry';
import { kubeError, type KubeApi, type Resource, type WatchEventType } from '../adapters/kube-api.js';

export interface InformerHandlers {
  /** A full list: every object that exists now; anything known and not in it is gone. */
  replace(items: unknown[]): void;
  upsert(obj: unknown): void;
  remove(obj: unknown): void;
}

export type RestartReason = 'closed' | 'gone' | 'error' | 'stalled' | 'resync';
export type ListReason = 'initial' | Exclude<RestartReason, 'closed'>;

export interface InformerOptions {
  resource: Resource;
  api: KubeApi;
  handlers: InformerHandlers;
  logger: Logger;
  /** A full re-list this often, whatever the watch says: a safety net against any missed event. */
  resyncMs: number;
  pageSize?: number;
  /** Server-side watch timeout, picked in this range per watch (as client-go does) so watches do not all end at once. */
  watchTimeoutSeconds?: [number, number];
  backoff?: { initialDelayMs: number; maxDelayMs: number };
  onList?: (reason: ListReason) => void;
  onRestart?: (reason: RestartReason) => void;
  onError?: (err: TracehoundError, op: 'list' | 'watch' | 'handler') => void;
  onSynced?: () => void;
}

interface WatchEnd {
  reason: RestartReason | 'stopped';
  rv: string;
  err?: TracehoundError;
}

/**
 * A list/watch informer on @kubernetes/client-node's list calls and Watch. client-node's own
 * ListWatch keeps whole objects (too much memory per pod here) and stops for good on a watch
 * error; this one hands objects to handlers that keep a projection, and never gives up:
 *  - a watch the server ends cleanly (its timeout) resumes from the last resourceVersion;
 *  - 410 Gone (resourceVersion too old), a broken connection, a stalled stream (no event or
 *    bookmark for longer than the watch timeout) or the periodic resync → a full re-list
 *    (paged), which replaces the cache, so nothing stale survives;
 *  - failures back off exponentially, are logged with the reason (403: RBAC) and counted.
 */
export class Informer {
  private stopped = false;
  private readonly stopController = new AbortController();
  private finishWatch: ((reason: 'stopped') => void) | undefined;
  private running: Promise<void> | undefined;
  private isSynced = false;
  private syncWaiters: Array<() => void> = [];

  constructor(private readonly o: InformerOptions) {}

  get synced(): boolean {
    return this.isSynced;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Resolves true once the first full list is in, or false after `timeoutMs`. */
  async waitSynced(timeoutMs: number): Promise<boolean> {
    if (this.isSynced) return true;
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      new Promise<boolean>((resolve) => this.syncWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return ok;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopController.abort();
    this.finishWatch?.('stopped');
    await this.running;
  }

  private async run(): Promise<void> {
    let reason: ListReason = 'initial';
    let failures = 0;
    const backoff = { factor: 2, jitter: 0.3, ...(this.o.backoff ?? { initialDelayMs: 500, maxDelayMs: 30_000 }) };
    while (!this.stopped) {
      const rv = await this.list(reason).catch((err: unknown) => {
        this.report(err, 'list');
        return undefined;
      });
      if (rv === undefined) {
        failures++;
        reason = 'error';
        await this.pause(backoffDelay(failures, backoff));
        continue;
      }
      failures = 0;
      if (!this.isSynced) {
        this.isSynced = true;
        this.o.onSynced?.();
        for (const w of this.syncWaiters.splice(0)) w();
      }
      const end = await this.watchUntilRelist(rv, Date.now() + this.o.resyncMs);
      if (end === 'stopped') return;
      reason = end;
      if (end === 'error') await this.pause(backoffDelay(1, backoff));
    }
  }

  private async list(reason: ListReason): Promise<string> {
    this.o.onList?.(reason);
    const items: unknown[] = [];
    let page = await this.o.api.list(this.o.resource, this.o.pageSize ?? 500);
    for (const item of page.items) items.push(item);
    while (page.continue && !this.stopped) {
      page = await this.o.api.list(this.o.resource, this.o.pageSize ?? 500, page.continue);
      for (const item of page.items) items.push(item);
    }
    // Each page carries the list's resourceVersion; watching from it misses nothing after the list.
    const rv = page.resourceVersion;
    this.handle(() => this.o.handlers.replace(items));
    this.o.logger.info({ resource: this.o.resource, reason, objects: items.length, resourceVersion: rv }, `listed ${items.length} ${this.o.resource}`);
    return rv;
  }

  private async watchUntilRelist(rv: string, resyncAt: number): Promise<ListReason | 'stopped'> {
    for (;;) {
      if (this.stopped) return 'stopped';
      const end = await this.watchOnce(rv, resyncAt);
      if (end.reason === 'stopped') return 'stopped';
      rv = end.rv;
      this.o.onRestart?.(end.reason);
      if (end.err) this.report(end.err, 'watch');
      else this.o.logger.debug({ resource: this.o.resource, reason: end.reason }, 'watch ended');
      if (end.reason !== 'closed') return end.reason;
    }
  }

  private watchOnce(rv: string, resyncAt: number): Promise<WatchEnd> {
    const [min, max] = this.o.watchTimeoutSeconds ?? [300, 600];
    const timeoutSeconds = Math.round(min + Math.random() * (max - min));
    return new Promise<WatchEnd>((resolve) => {
      let current = rv;
      let settled = false;
      let handle: { abort(): void } | undefined;
      let lastSeen = Date.now();
      const finish = (reason: WatchEnd['reason'], err?: TracehoundError) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        clearTimeout(resync);
        this.finishWatch = undefined;
        handle?.abort();
        resolve({ reason, rv: current, ...(err ? { err } : {}) });
      };
      this.finishWatch = finish;
      const watchdog = setInterval(() => {
        if (Date.now() - lastSeen > (timeoutSeconds + 30) * 1000) finish('stalled');
      }, 5_000);
      const resync = setTimeout(() => finish('resync'), Math.max(0, resyncAt - Date.now()));
      const onEvent = (type: WatchEventType, obj: unknown) => {
        if (settled) return;
        lastSeen = Date.now();
        if (type === 'ERROR') {
          const status = obj as { code?: number; message?: string };
          // 410: the resourceVersion is older than the server keeps; only a re-list catches up.
          if (status?.code === 410) finish('gone');
          else finish('error', this.watchError(status));
          return;
        }
        this.handle(() => {
          if (type === 'ADDED' || type === 'MODIFIED') this.o.handlers.upsert(obj);
          else if (type === 'DELETED') this.o.handlers.remove(obj);
        });
        const next = (obj as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
        if (typeof next === 'string' && next !== '') current = next;
      };
      const onDone = (err: TracehoundError | null) => {
        if (!err) finish('closed');
        else finish(err.details.status === 410 ? 'gone' : 'error', err.details.status === 410 ? undefined : err);
      };
      this.o.api.watch(this.o.resource, rv, timeoutSeconds, onEvent, onDone).then(
        (h) => {
          handle = h;
          if (settled) h.abort();
        },
        (err: unknown) => finish('error', this.asError(err)),
      );
    });
  }

  /** Handler failures must not end the watch (client-node's Watch would swallow them silently). */
  private handle(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err, 'handler');
    }
  }

  private watchError(status: { code?: number; message?: string }): TracehoundError {
    return this.asError(Object.assign(new Error(status?.message ?? 'watch ERROR event'), { statusCode: status?.code }));
  }

  private asError(err: unknown): TracehoundError {
    return isTracehoundError(err) ? err : kubeError(`watching ${this.o.resource}`, err);
  }

  private report(err: unknown, op: 'list' | 'watch' | 'handler'): void {
    const e = this.asError(err);
    this.o.onError?.(e, op);
    const forbidden = isTracehoundError(e, 'TH_ERR_KUBE_FORBIDDEN');
    this.o.logger[forbidden || op === 'handler' ? 'error' : 'warn']({ resource: this.o.resource, op, code: e.code, status: e.details.status ?? null }, e.message);
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopController.signal }).catch(() => undefined);
  }
}
