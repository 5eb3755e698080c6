import type { ClickHouseClient, DdlContext } from '@tracehound/clickhouse';
import type { Logger } from '@tracehound/logging';
import type { PlatformSettings } from '../config.js';

/** What every hosted service gets: one configuration and a logger named after the service. */
export interface ServiceContext {
  cfg: PlatformSettings;
  /** A child logger named after the service. */
  logger: Logger;
}

/** What the host hands a service on the main thread besides: the one ClickHouse client, the first-admin hook. */
export interface HostContext extends ServiceContext {
  /** Shared by every service that stores or queries (chDB allows one engine per process). */
  clickhouse: ClickHouseClient;
  ddl: DdlContext;
  /** Called once, at the very first start, with the generated password of the first admin. */
  onFirstAdmin(user: string, password: string): void;
}

/** A running hosted service. */
export interface Running {
  ready(): boolean;
  details(): Record<string, unknown>;
  close(): Promise<void>;
}

/** A service that did not start, and why; the others still run. */
export interface Skipped {
  skipped: string;
}

/** A service that needs the main thread (the ClickHouse client: chDB allows one engine per process). */
export interface MainThreadService {
  name: string;
  module?: undefined;
  start(ctx: HostContext): Promise<Running | Skipped>;
}

/**
 * A service that needs only the configuration and a logger. `module` is the URL of the module
 * that exports this entry (its `import.meta.url`): the platform may start it in a worker thread,
 * importing that module there and finding the export by name.
 */
export interface ThreadableService {
  name: string;
  module: string;
  start(ctx: ServiceContext): Promise<Running | Skipped>;
}

/**
 * One entry per hosted service: its own `app.ts` builds it, this only starts it in the shared
 * context. A new service (a notifier, say) is one file and one line in HOSTED.
 */
export type HostedService = MainThreadService | ThreadableService;

/** Marks an entry as able to run in a worker thread; `module` is the caller's `import.meta.url`. */
export function threadable(module: string, service: Omit<ThreadableService, 'module'>): ThreadableService {
  return { ...service, module };
}

/** Starts an app; if the start fails, closes whatever part of it did start, then rethrows. */
export async function startedOrClosed<A extends { start(): Promise<void>; close(): Promise<void> }>(app: A): Promise<A> {
  try {
    await app.start();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
