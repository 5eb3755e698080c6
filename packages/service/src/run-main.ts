import { isTracehoundError } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Owns the process for a service's main.ts: starts the app, and on SIGINT/SIGTERM closes
 * everything on one path. A second signal, or a close that takes longer than `graceMs`,
 * exits at once so an operator is never stuck.
 */
export async function runMain(name: string, logger: Logger, start: () => Promise<Closable>, graceMs = 15_000): Promise<void> {
  let app: Closable;
  try {
    app = await start();
  } catch (err) {
    logger.fatal({ err }, `${name} could not start: ${isTracehoundError(err) ? err.message : String(err)}`);
    process.exitCode = isTracehoundError(err, 'TH_ERR_CONFIG') ? 78 : 1;
    return;
  }
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    closing = true;
    logger.info(`${signal}: ${name} stopping`);
    const timer = setTimeout(() => {
      logger.error(`${name} did not stop within ${graceMs} ms; exiting`);
      process.exit(1);
    }, graceMs);
    timer.unref();
    try {
      await app.close();
      logger.info(`${name} stopped`);
    } catch (err) {
      logger.error({ err }, `${name} stopped with an error`);
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
