import type { ClickHouseClient, DdlContext } from '@tracehound/clickhouse';
import type { Logger } from '@tracehound/logging';
import type { PlatformSettings } from '../config.js';

/** What the host hands every service it starts: one configuration, one ClickHouse client, one logger. */
export interface HostContext {
  cfg: PlatformSettings;
  /** A child logger named after the service. */
  logger: Logger;
  /** Shared by every service that stores or queries (chDB allows one process per data dir). */
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

/**
 * One entry per hosted service: its own `app.ts` builds it, this only starts it in the shared
 * context. A new service (a notifier, say) is one file and one line in HOSTED.
 */
export interface HostedService {
  name: string;
  start(ctx: HostContext): Promise<Running | Skipped>;
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
