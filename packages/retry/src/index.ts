import { TracehoundError, isRetriable } from '@tracehound/errors';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** First delay in ms. */
  initialDelayMs: number;
  /** Cap on one delay in ms. */
  maxDelayMs: number;
  /** Growth factor between attempts. */
  factor: number;
  /** Total time budget in ms from the first attempt; past it the last error is rethrown wrapped. */
  deadlineMs: number;
  /** Fraction of each delay that is randomised (0 = none, 1 = full jitter). */
  jitter: number;
  /** Decides whether an error is worth another attempt. Defaults to the error's retriable flag. */
  retryOn: (err: unknown) => boolean;
  /** Called before each wait, e.g. to log "registry not reachable, retrying in 400 ms". */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryOptions = {
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
  deadlineMs: 120_000,
  jitter: 0.5,
  retryOn: isRetriable,
};

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, o: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>, random = Math.random): number {
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** (attempt - 1));
  const spread = base * o.jitter;
  return Math.round(base - spread + random() * spread);
}

/**
 * Runs `fn` until it succeeds, a non-retriable error is thrown, or the deadline passes.
 * Past the deadline the last error is wrapped in TH_ERR_DEADLINE.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const o: RetryOptions = { ...DEFAULT_RETRY, ...options };
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!o.retryOn(err)) throw err;
      const delay = backoffDelay(attempt, o);
      if (Date.now() - started + delay > o.deadlineMs) {
        throw new TracehoundError('TH_ERR_DEADLINE', `gave up after ${attempt} attempts in ${Date.now() - started} ms: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      o.onRetry?.(err, attempt, delay);
      await sleep(delay, undefined, o.signal ? { signal: o.signal } : undefined);
    }
  }
}
