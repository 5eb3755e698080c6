import type { lineLogger } from '@tracehound/logging';
import type { MetricsJson } from '@tracehound/metrics';
import type { PlatformSettings } from '../config.js';

/** What a worker thread is started with: which hosted entry to import and start, and on what. */
export interface WorkerData {
  /** The module URL of the entry (ThreadableService.module) and its name. */
  module: string;
  name: string;
  cfg: PlatformSettings;
  level: Parameters<typeof lineLogger>[0];
  /** How often the worker sends its service's ready/details to the main thread. */
  statusEveryMs: number;
}

/** An error as it crosses threads: structured clone keeps only message and stack, so the rest is spelled out. */
export interface ErrorData {
  message: string;
  name: string;
  code?: string;
  retriable?: boolean;
  stack?: string;
}

export interface Status {
  ready: boolean;
  details: Record<string, unknown>;
}

/** Main thread → worker. */
export type ToWorker = { type: 'metrics'; id: number } | { type: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | ({ type: 'started'; threadId: number; tid?: number } & Status)
  | { type: 'skipped'; reason: string }
  | { type: 'failed'; error: ErrorData }
  | ({ type: 'status' } & Status)
  | { type: 'log'; line: string }
  | { type: 'metrics'; id: number; metrics: MetricsJson }
  | { type: 'closed'; error?: ErrorData };

export function errorData(err: unknown): ErrorData {
  const e = err instanceof Error ? err : new Error(String(err));
  const { code, retriable } = e as { code?: unknown; retriable?: unknown };
  return {
    message: e.message, name: e.name, ...(e.stack ? { stack: e.stack } : {}),
    ...(typeof code === 'string' ? { code } : {}), ...(typeof retriable === 'boolean' ? { retriable } : {}),
  };
}
