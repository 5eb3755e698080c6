import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * One JSON logger per process, children per component. Logs go to stderr so that stdout stays
 * free for data (`tracehound agent --output json`).
 */
export function createLogger(name: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name, level, base: { service: name } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that discards everything, for tests that assert on behaviour rather than logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A logger whose JSON lines go to `write`, one call per line (a worker thread forwards them to the main thread's logger). */
export function lineLogger(level: LevelWithSilent, write: (line: string) => void): Logger {
  return pino({ level, base: undefined }, { write });
}
