import { retry } from '@tracehound/retry';
import { TracehoundError, errorMessage, isRetriable, isTracehoundError } from '@tracehound/errors';
import type { Component } from './component.js';
import { logTails } from './log-tail.js';
import { isOurs, type Started } from './process.js';

/**
 * Waits until the component answers its own protocol, never a fixed sleep. Between probes it
 * checks the process is still alive, so a JVM that dies on start-up is reported at once with the
 * end of its log instead of after the whole deadline.
 */
export async function waitReady(c: Component, p: Started, deadlineMs: number): Promise<void> {
  try {
    await retry(
      async () => {
        if (!isOurs(p.pid, c.marker)) {
          const how = p.exit ? ` (exit code ${p.exit.code ?? 'none'}, signal ${p.exit.signal ?? 'none'})` : '';
          throw new TracehoundError('TH_ERR_STACK', `${c.name} (pid ${p.pid}) exited during start-up${how}\n${logTails(c.logFiles, p.since)}`);
        }
        await c.probe();
      },
      { initialDelayMs: 100, maxDelayMs: 1000, factor: 1.5, jitter: 0.2, deadlineMs, retryOn: isRetriable },
    );
  } catch (err) {
    if (!isTracehoundError(err, 'TH_ERR_DEADLINE')) throw err;
    throw new TracehoundError('TH_ERR_STACK', `${c.name} (pid ${p.pid}) did not answer within ${Math.round(deadlineMs / 1000)} s: ${errorMessage(err.cause)}\n${logTails(c.logFiles, p.since)}`, { cause: err });
  }
}
